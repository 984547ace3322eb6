"""The learning-rate lesson on f(w) = w^2: step sizes 0.4, 0.6 and 1.2.

Gradient descent updates w' = w - lr * f'(w) = (1 - 2 lr) w, so
  lr = 0.4 multiplies w by  0.2: straight to the minimum, never crossing it;
  lr = 0.6 multiplies w by -0.2: crossing the minimum every step, still converging;
  lr = 1.2 multiplies w by -1.4: zig-zagging away (divergence).
A tiny learning rate (0.01) is safe but slow. Run: python examples/lr_lesson.py [plot.png]
"""

import sys

import symnn as sn

runs = {lr: sn.lab.descend("w**2", optimizer="sgd", lr=lr, start=[1.0], steps=20)
        for lr in (0.01, 0.4, 0.6, 1.2)}

for lr, run in runs.items():
    w = run.points[:, 0]
    crossings = int((w[:-1] * w[1:] < 0).sum())
    print(f"lr = {lr:<4}  w after {run.steps:>2} steps = {w[-1]: .3e}   "
          f"sign changes: {crossings:>2}   status: {run.status}")

print()
print(runs[0.6].explain(1))

if len(sys.argv) > 1:
    path = sn.lab.plot_runs(list(runs.values()), sys.argv[1], title="f(w) = w^2, four step sizes")
    print(f"plot written to {path}")
