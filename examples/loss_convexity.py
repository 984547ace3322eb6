"""Convexity of the common losses, with reasons, and the non-convex W-shaped loss.

MSE, MAE and cross-entropy are convex in the model's output, and MSE/MAE stay convex in the
weights of a linear model, so gradient descent cannot get trapped; w^4 - 2 w^2 is not convex,
and the checker prints a chord that lies below the graph. Maximizing f is minimizing -f.
Run: python examples/loss_convexity.py
"""

import symnn as sn

CASES = [
    ("MSE in the prediction", "(yhat - y)^2", "yhat", None),
    ("MAE in the prediction", "abs(yhat - y)", "yhat", None),
    ("binary cross-entropy in p", "-(y*log(p) + (1 - y)*log(1 - p))", "p",
     "p > 0, p < 1, y >= 0, y <= 1"),
    ("softmax cross-entropy in the logits", "-z1 + log(exp(z1) + exp(z2) + exp(z3))", None, None),
    ("MSE of a linear model in (w, b)",
     "((w*1 + b - 2)^2 + (w*2 + b - 3)^2 + (w*(-1) + b - 0.5)^2)/3", None, None),
    ("MAE of a linear model in (w, b)", "(abs(w + b - 2) + abs(2*w + b - 3))/2", None, None),
    ("logistic loss in (w, b)", "-log(sigmoid(2*w + b)) - log(1 - sigmoid(-w + b))", None, None),
    ("W-shaped loss", "w^4 - 2*w^2", None, None),
    ("a concave function", "-(x^2) - abs(x)", None, None),
    ("its negation", "x^2 + abs(x)", None, None),
    ("max of convex functions", "max(x^2, abs(y - 1))", None, None),
    ("= -min of their negations", "-min(-x^2, -abs(y - 1))", None, None),
]

for title, text, variables, domain in CASES:
    r = sn.convexity(text, variables=variables, domain=domain)
    print(f"== {title}: {text}" + (f"  on {domain}" if domain else ""))
    print(f"   verdict: {r.verdict}")
    for line in r.reason.splitlines()[1:]:
        print(f"   {line}")
    print()
