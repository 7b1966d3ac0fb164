"""Helpers of scripts/bench/models.sh.
  models.py kmeans FILE COLS K N_INIT [MAX_ITER=300 [SEED=0]]   scikit-learn KMeans (tol 1e-4)
  models.py dbscan FILE COLS EPS MIN                   scikit-learn DBSCAN
  models.py subset SRC COLS DST KEEP_COLS ROWS          the first ROWS distinct rows of SRC's
                                                       first KEEP_COLS columns, as DST"""
import sys

import numpy as np

cmd = sys.argv[1]
if cmd == "kmeans":
    from sklearn.cluster import KMeans
    cols, k, n_init = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    max_iter = int(sys.argv[6]) if len(sys.argv) > 6 else 300
    seed = int(sys.argv[7]) if len(sys.argv) > 7 else 0
    X = np.fromfile(sys.argv[2], dtype="<f8").reshape(-1, cols)
    m = KMeans(n_clusters=k, n_init=n_init, max_iter=max_iter, tol=1e-4, random_state=seed).fit(X)
    print(f'{{"inertia": {m.inertia_!r}, "iterations": {m.n_iter_}}}')
elif cmd == "dbscan":
    from sklearn.cluster import DBSCAN
    cols, eps, min_samples = int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
    X = np.fromfile(sys.argv[2], dtype="<f8").reshape(-1, cols)
    m = DBSCAN(eps=eps, min_samples=min_samples).fit(X)
    print(f'{{"clusters": {len(set(m.labels_)) - (1 if -1 in m.labels_ else 0)}, "noise": {int((m.labels_ == -1).sum())}}}')
elif cmd == "subset":
    cols, keep, rows = int(sys.argv[3]), int(sys.argv[5]), int(sys.argv[6])
    X = np.fromfile(sys.argv[2], dtype="<f8").reshape(-1, cols)[:, :keep]
    _, first = np.unique(X, axis=0, return_index=True)
    X[np.sort(first)[:rows]].astype("<f8").tofile(sys.argv[4])
else:
    sys.exit(__doc__)
