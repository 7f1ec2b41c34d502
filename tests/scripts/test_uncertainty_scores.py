"""results_common.uncertainty_scores against the closed form of an exact std: errors drawn as
std * N(0, 1) have |error| / std with median 0.674 (the half-normal's) and 95.4 % of them within
2 std, and their rank correlation with the std is the ceiling itself, within sampling error."""
import sys

import numpy as np

from results_common import uncertainty_scores

draws = np.random.default_rng(1)
reference = np.ones((128, 128))
std = np.where(np.arange(128)[None, :] < 64, 0.01, 0.04) * np.ones((128, 1))  # two halves, 4x apart
mean = reference + std * draws.standard_normal(std.shape)
rho, ceiling, ratio, within = uncertainty_scores(reference, mean, std, np.random.default_rng(2))
failures = []
if abs(ratio - 0.674) > 0.02:
    failures.append(f"median |error| / std {ratio:.3f}, expected 0.674")
if abs(within - 0.954) > 0.01:
    failures.append(f"within 2 std {within:.3f}, expected 0.954")
if abs(rho - ceiling) > 0.03 or not 0.3 < ceiling < 0.7:
    failures.append(f"rho {rho:.3f} against ceiling {ceiling:.3f}: an exact std should reach its ceiling")
# A std with its halves swapped says the opposite of the truth: the errors rank backwards.
rho_swapped = uncertainty_scores(reference, mean, std[:, ::-1], np.random.default_rng(2))[0]
if not rho_swapped < -0.3:
    failures.append(f"a swapped std correlates {rho_swapped:.3f}, expected below -0.3")
if failures:
    sys.exit("\n".join(failures))
print(f"ok: rho {rho:.3f}, ceiling {ceiling:.3f}, median ratio {ratio:.3f}, within 2 std {within:.3f}")
