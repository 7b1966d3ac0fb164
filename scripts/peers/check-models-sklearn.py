"""Compares floe's exported k-means, DBSCAN and PageRank results with scikit-learn and
NetworkX on the same inputs. usage: check-models-sklearn.py EXPORT_DIR"""
import json
import sys

import networkx as nx
import numpy as np
from sklearn.cluster import DBSCAN, KMeans

folder = sys.argv[1]
meta = json.load(open(f"{folder}/floe.json"))
rows, cols = meta["rows"], meta["columns"]
X = np.fromfile(f"{folder}/features.f64", dtype="<f8").reshape(rows, cols)
failures = []

# k-means from floe's k-means++ centres.
km = meta["kmeans"]
init = np.fromfile(f"{folder}/kmeans_init.f64", dtype="<f8").reshape(km["k"], cols)
floe_labels = np.fromfile(f"{folder}/kmeans_labels.i32", dtype="<i4")
sk = KMeans(n_clusters=km["k"], init=init, n_init=1, max_iter=km["max_iter"], tol=km["tol"],
            algorithm="lloyd").fit(X)
rel = abs(sk.inertia_ - km["inertia"]) / max(sk.inertia_, 1e-300)
same = int((sk.labels_ == floe_labels).sum())
print(f"k-means   {rows}x{cols}, k={km['k']}: inertia floe {km['inertia']:.6f} sklearn {sk.inertia_:.6f} "
      f"(rel diff {rel:.2e}); iterations floe {km['iterations']} sklearn {sk.n_iter_}; "
      f"identical assignments {same}/{rows}")
if rel > 1e-3:
    failures.append("k-means inertia differs by more than 0.1%")
if same != rows:
    failures.append(f"k-means assignments differ on {rows - same} rows")

# DBSCAN with the same eps and min_samples on the same (distinct) rows.
db = meta["dbscan"]
D = np.fromfile(f"{folder}/dbscan_features.f64", dtype="<f8").reshape(db["rows"], cols)
floe_db = np.fromfile(f"{folder}/dbscan_labels.i32", dtype="<i4")
floe_core = np.fromfile(f"{folder}/dbscan_core.u8", dtype="u1").astype(bool)
skd = DBSCAN(eps=db["eps"], min_samples=db["min_samples"]).fit(D)
sk_core = np.zeros(len(D), dtype=bool)
sk_core[skd.core_sample_indices_] = True
core_same = bool((sk_core == floe_core).all())
# Clusters of core points identical up to a relabelling: the pairing must be one-to-one.
pairs = set(zip(floe_db[floe_core].tolist(), skd.labels_[floe_core].tolist())) if core_same else set()
bijective = core_same and len(pairs) == len({a for a, _ in pairs}) == len({b for _, b in pairs})
noise_same = bool(((floe_db == -1) == (skd.labels_ == -1)).all())
sk_clusters = len(set(skd.labels_.tolist()) - {-1})
print(f"DBSCAN    {db['rows']}x{cols}, eps={db['eps']:.6g}, min_samples={db['min_samples']}: "
      f"core points {int(floe_core.sum())} floe / {int(sk_core.sum())} sklearn (identical: {core_same}); "
      f"clusters {db['clusters']} floe / {sk_clusters} sklearn (same partition of core points: {bijective}); "
      f"noise identical: {noise_same}")
if not core_same:
    failures.append("DBSCAN core points differ")
if not bijective or db["clusters"] != sk_clusters:
    failures.append("DBSCAN clusters of core points differ")

# PageRank on the same weighted directed graph.
pr = meta["pagerank"]
floe_pr = np.fromfile(f"{folder}/pagerank.f64", dtype="<f8")
G = nx.DiGraph()
G.add_nodes_from(range(pr["nodes"]))
edges = np.loadtxt(f"{folder}/edges.csv", delimiter=",", skiprows=1, ndmin=2)
G.add_weighted_edges_from((int(a), int(b), float(w)) for a, b, w in edges)
nx_pr = nx.pagerank(G, alpha=0.85, tol=1e-6, weight="weight")
nx_vec = np.array([nx_pr[i] for i in range(pr["nodes"])])
worst = float(np.abs(nx_vec - floe_pr).max())
print(f"PageRank  {pr['nodes']} nodes, {pr['edges']} edges ({pr['weight']}-weighted): "
      f"max |floe - networkx| = {worst:.3e} (floe {pr['iterations']} iterations)")
if worst > 1e-6:
    failures.append("PageRank differs by more than 1e-6")

if failures:
    print("MISMATCH: " + "; ".join(failures))
    sys.exit(1)
print("OK: floe's k-means, DBSCAN and PageRank agree with scikit-learn and NetworkX")
