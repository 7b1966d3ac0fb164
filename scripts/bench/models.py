"""Helpers of scripts/bench/models.sh.
  models.py make DIR                       writes the benchmark matrices (seeded blobs)
  models.py kmeans FILE COLS K N_INIT      scikit-learn KMeans (max_iter 300)
  models.py dbscan FILE COLS EPS MIN       scikit-learn DBSCAN"""
import os
import sys

import numpy as np

cmd = sys.argv[1]
if cmd == "make":
    folder = sys.argv[2]
    rng = np.random.default_rng(42)
    km = os.path.join(folder, "kmeans-1000000x8.f64")
    if not os.path.exists(km):
        centres = rng.uniform(-10, 10, size=(8, 8))
        X = centres[rng.integers(0, 8, 1_000_000)] + rng.normal(0, 1.5, size=(1_000_000, 8))
        X.astype("<f8").tofile(km)
    db = os.path.join(folder, "dbscan-300000x4.f64")
    if not os.path.exists(db):
        centres = rng.uniform(-10, 10, size=(10, 4))
        blobs = centres[rng.integers(0, 10, 285_000)] + rng.normal(0, 1.0, size=(285_000, 4))
        noise = rng.uniform(-14, 14, size=(15_000, 4))
        X = np.vstack([blobs, noise])
        X[rng.permutation(len(X))].astype("<f8").tofile(db)
elif cmd == "kmeans":
    from sklearn.cluster import KMeans
    cols, k, n_init = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    X = np.fromfile(sys.argv[2], dtype="<f8").reshape(-1, cols)
    m = KMeans(n_clusters=k, n_init=n_init, max_iter=300, random_state=0).fit(X)
    print(f"inertia {m.inertia_:.6g} iterations {m.n_iter_}")
elif cmd == "dbscan":
    from sklearn.cluster import DBSCAN
    cols, eps, min_samples = int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
    X = np.fromfile(sys.argv[2], dtype="<f8").reshape(-1, cols)
    m = DBSCAN(eps=eps, min_samples=min_samples).fit(X)
    print(f"clusters {len(set(m.labels_)) - (1 if -1 in m.labels_ else 0)} noise {(m.labels_ == -1).sum()}")
else:
    sys.exit(__doc__)
