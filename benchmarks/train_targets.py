"""Training targets of the toolkit, measured (not part of the test run).

- digits, small CNN (the ``symnn train --dataset digits --model cnn`` recipe: stratified
  65/15/20 split, Adam lr 2e-3, cosine schedule, 30 epochs, batch 32): test accuracy >= 97%
  and <= 60 s of training, over several split/initialization seeds;
- moons, MLP 2-32-32-2: test accuracy >= 97% (the command's default moons, and a noisier,
  larger one for a harder check);
- XOR, MLP 2-8-2: 100%;
- every lesson experiment with its defaults: under 60 s.

Run:  python benchmarks/train_targets.py [--seeds 5] [--json]
Times depend on the machine's load: the load average is printed with the results.
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np


def digits_cnn(seed: int) -> dict:
    import symnn as sn
    from symnn import nn, optim
    from symnn.data import datasets
    from symnn.train import accuracy, array_loader, fit, predict, small_cnn, train_val_test_split

    X, y = datasets.digits(images=True, scale=True)
    (Xtr, ytr), _, (Xte, yte) = train_val_test_split(X, y, val=0.15, test=0.2, seed=seed)
    sn.manual_seed(seed)
    model = small_cnn()
    opt = optim.Adam(model.parameters(), lr=2e-3)
    start = time.perf_counter()
    fit(model, nn.CrossEntropyLoss(), opt, array_loader(Xtr, ytr, 32, shuffle=True, seed=seed),
        epochs=30, scheduler=optim.lr_scheduler.CosineAnnealingLR(opt, T_max=30), progress=False)
    seconds = time.perf_counter() - start
    return {"seed": seed, "test_accuracy": accuracy(predict(model, Xte), yte), "seconds": seconds}


def mlp_on(name: str, n_samples: int | None = None, noise: float | None = None,
           epochs: int = 60, hidden=(32, 32), lr: float = 0.01, seed: int = 0) -> dict:
    import symnn as sn
    from symnn import nn, optim
    from symnn.data import datasets
    from symnn.data.transforms import StandardScaler
    from symnn.train import accuracy, array_loader, fit, mlp, predict, train_val_test_split

    kwargs = {"seed": seed}
    if n_samples is not None:
        kwargs["n_samples"] = n_samples
    if noise is not None:
        kwargs["noise"] = noise
    X, y = datasets.load(name, **kwargs)
    if name == "xor":
        Xtr, ytr, Xte, yte = X, y, X, y
    else:
        (Xtr, ytr), _, (Xte, yte) = train_val_test_split(X, y, val=0.15, test=0.2, seed=seed)
        scaler = StandardScaler().fit(Xtr)
        Xtr, Xte = scaler.transform(Xtr), scaler.transform(Xte)
    sn.manual_seed(seed)
    model = mlp([2, *hidden, 2])
    start = time.perf_counter()
    fit(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=lr),
        array_loader(Xtr, ytr, min(32, len(Xtr)), shuffle=True, seed=seed), epochs=epochs,
        progress=False)
    return {"dataset": name, "n_samples": len(X), "noise": noise, "n_test": len(Xte),
            "test_accuracy": accuracy(predict(model, Xte), yte),
            "seconds": time.perf_counter() - start}


def experiments_runtime() -> dict:
    from symnn import experiments

    out = {}
    for name in experiments.names():
        start = time.perf_counter()
        experiments.run(name)
        out[name] = time.perf_counter() - start
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="seeds for the digits CNN")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    load_before = os.getloadavg()
    cnn = [digits_cnn(s) for s in range(args.seeds)]
    moons_default = mlp_on("moons")
    moons_hard = mlp_on("moons", n_samples=1000, noise=0.2)
    xor = mlp_on("xor", epochs=300, hidden=(8,), lr=0.05)
    runtimes = experiments_runtime()
    accs = [r["test_accuracy"] for r in cnn]
    secs = [r["seconds"] for r in cnn]
    result = {
        "digits_cnn": {"runs": cnn, "mean_accuracy": float(np.mean(accs)),
                       "min_accuracy": float(np.min(accs)), "max_seconds": float(np.max(secs)),
                       "target_met": bool(np.mean(accs) >= 0.97 and np.max(secs) <= 60)},
        "moons_mlp": {"default": moons_default, "noisy": moons_hard,
                      "target_met": moons_default["test_accuracy"] >= 0.97},
        "xor_mlp": {**xor, "target_met": xor["test_accuracy"] == 1.0},
        "experiment_seconds": runtimes,
        "experiments_target_met": all(v < 60 for v in runtimes.values()),
        "load_average": {"before": load_before, "after": os.getloadavg()},
        "cpu_count": os.cpu_count(),
        "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
    }
    if args.json:
        print(json.dumps(result, indent=1))
        return
    print(f"digits small CNN, {args.seeds} seeds (30 epochs, Adam 2e-3, cosine):")
    for r in cnn:
        print(f"  seed {r['seed']}: test accuracy {r['test_accuracy']:.4f}, "
              f"training {r['seconds']:.1f} s")
    d = result["digits_cnn"]
    print(f"  mean {d['mean_accuracy']:.4f}, min {d['min_accuracy']:.4f}, slowest "
          f"{d['max_seconds']:.1f} s -> target (>= 0.97, <= 60 s): "
          f"{'met' if d['target_met'] else 'NOT met'}")
    for key, r in (("moons (200 points, noise 0.1)", moons_default),
                   ("moons (1000 points, noise 0.2)", moons_hard)):
        print(f"{key}, MLP 2-32-32-2: test accuracy {r['test_accuracy']:.4f} on "
              f"{r['n_test']} points ({r['seconds']:.1f} s)")
    print(f"XOR, MLP 2-8-2: accuracy {xor['test_accuracy']:.2f}")
    print("experiments with their defaults:")
    for name, s in runtimes.items():
        print(f"  {name:<20} {s:6.1f} s")
    print(f"all under 60 s: {result['experiments_target_met']}")
    print(f"load average before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f} "
          f"on {os.cpu_count()} cores; OPENBLAS_NUM_THREADS={result['openblas_threads']}")


if __name__ == "__main__":
    main()
