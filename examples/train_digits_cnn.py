"""Train a small CNN on the 8x8 handwritten digits, step by step, with the symnn toolkit:
check the data, split it, train with a cosine learning-rate schedule, then report test
accuracy (with a bootstrap interval), the confusion matrix and the generalization gap.

Run:  python examples/train_digits_cnn.py [--epochs 30] [--seed 0] [--plot digits.png]
"""

import argparse
import time

import numpy as np

import symnn as sn
from symnn import nn, optim
from symnn.data import datasets
from symnn.data.checks import check_data
from symnn.train import (accuracy, array_loader, bootstrap_estimate, confusion_matrix, fit,
                         predict, small_cnn, train_val_test_split)

parser = argparse.ArgumentParser(description="small CNN on the 8x8 digits")
parser.add_argument("--epochs", type=int, default=30)
parser.add_argument("--lr", type=float, default=2e-3)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--plot", metavar="PNG", help="save loss and accuracy curves")
args = parser.parse_args()

# 1. inspect the data (the checklist: imbalance, missing values, scale)
X, y = datasets.digits(images=True, scale=True)  # (1797, 1, 8, 8), pixels in [0, 1]
print(check_data(X, y), end="\n\n")

# 2. split: stratified train / validation / test
(Xtr, ytr), (Xva, yva), (Xte, yte) = train_val_test_split(X, y, val=0.15, test=0.2,
                                                          seed=args.seed)

# 3. model, loss, optimizer, schedule
sn.manual_seed(args.seed)
model = small_cnn()  # conv-relu-pool, conv-relu-pool, linear
print(model, end="\n\n")
loss_fn = nn.CrossEntropyLoss()
opt = optim.Adam(model.parameters(), lr=args.lr)
schedule = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs)

# 4. train (the progress bar goes to stderr)
start = time.perf_counter()
history = fit(model, loss_fn, opt, array_loader(Xtr, ytr, 32, shuffle=True, seed=args.seed),
              array_loader(Xva, yva, 512), epochs=args.epochs, scheduler=schedule)
print(f"trained {args.epochs} epochs in {time.perf_counter() - start:.1f} s")

# 5. evaluate on the test set, once
test_out, train_out = predict(model, Xte), predict(model, Xtr)
test_acc, train_acc = accuracy(test_out, yte), accuracy(train_out, ytr)
ci = bootstrap_estimate(accuracy, test_out, yte, n_resamples=1000, seed=args.seed)
print(f"test accuracy {test_acc:.4f} (95% bootstrap interval {ci.interval[0]:.4f}-"
      f"{ci.interval[1]:.4f}); train {train_acc:.4f}; generalization gap "
      f"{train_acc - test_acc:+.4f}")
print("confusion matrix (rows: true digit, columns: predicted):")
print(confusion_matrix(yte, test_out, n_classes=10))
errors = np.flatnonzero(test_out.argmax(1) != yte)
print(f"{len(errors)} test digits misclassified")
if args.plot:
    print("wrote", history.plot(args.plot))
