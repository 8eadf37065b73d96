"""The twenty-first holdout corpus (tests/holdout/twentyfirst/) through the real engine, as
tests/test_holdout_twentieth.py does the twentieth, reading and judging the feedback as it does
(tests/feedback_reading.py).

Written after the twentieth and independently of the first twenty, over all five modules: the over-engineering
student, who wraps the mathematics in extra machinery and slips inside it (validation that converts or rejects,
`try`/`except` fallbacks, early returns for edge cases, "numerically stable" rewrites, caches keyed on the wrong thing,
classes, closures and generators, `np.einsum` and `np.apply_along_axis`). Every entry must lose marks on its own
function and on no other; no failed check may give a FALSE hint: a claim (a listed mistake, a fitted constant factor,
a formula finding, a behavioural operator or a `repair:`) whose text contains none of the entry's keywords. The named
rates, by keywords and by hand, are printed and written to `holdout-twentyfirst-summary.json` (in
`$CALCGRADE_HOLDOUT_SUMMARY` if set, else in pytest's temporary folder); the floors are the rates measured at the
first grading, never a target. Keywords were fixed and committed before any feedback was seen and are never edited;
tests/holdout/twentyfirst/JUDGED.md holds the judgement by hand of every entry, carried below in tables.
"""

from __future__ import annotations

from holdout_checks import holdout_checks

# Measured at the first grading, not a target: 18 of 50 named by keywords (36%), 25 by hand (50%); 45 of 50 lose
# marks on their own function only. Two texts misleading, read by hand (JUDGED.md).
NAMED_AT_LEAST = 0.35
NAMED_BY_HAND_AT_LEAST = 0.49

# The judgement by hand (JUDGED.md), kept apart from the entries' keywords, which are never edited after a hint
# was seen. A claim whose keywords missed but whose text, read by hand, names the mistake rightly: this fragment.
HAND_JUDGED_NOT_FALSE: dict[str, str] = {
    "h21_dsigmoid_logspace_sign": "changing `-x` to `x`",  # e^x/(1 + e^x)² is σ': a repair in the slip's own line
    "h21_dflog_series_small_x": "changing `np.abs(x) < 1` to `np.abs(x) < 0`",  # the series never used
    "h21_dgdy_rules_swapped_args": "`y` and `x` are passed in each other's place",
    "h21_hessian_rounded_memo": "changing `np.round(q, 3)` to `q`",  # the memo's key no longer merges the stencil
    "h21_sse_centred_residuals": "`residuals.mean()` does not belong",
    "h21_best_dict_returns_start": "return where the descent ends, not where it started",
    "h21_gd_rounded_gradient_cache": "changing `round(weights[0], 2)` to `weights[0]`",
    # the shortcut returning 0 (the reference counts from 1): once "changing `0` to `1`", told since as what it is
    "h21_escape_early_zero": "returns early on the inputs that test picks",
}
# Named by keywords only through NumPy's IndexError and the student's own line quoted in it; nothing claimed.
HAND_JUDGED_NOT_NAMED: frozenset[str] = frozenset({"h21_surface_grid_class"})
# Texts judged misleading by hand whatever the keywords say: an edit that passes every check by switching a
# deliberate part of the code off, told as another slip (not tried since, as classes; kept, so that any of them
# coming back fails).
HAND_JUDGED_FALSE: dict[str, str] = {
    "h21_numdiff_richardson_helper_h": "an extra division by `2`",
    "h21_neuron_stable_branch_no_abs": "`z >= 0` and `e / (1 + e)` are passed in each other's place",
}
# What fails today, named per entry (xfail, not strict: a fix shows as XPASS). Each slip shows only on an input or
# a second call that no check makes; a check for it would agree with every listed mistake (no steps) or put a
# listed mistake on the reference (x = 0), which the checks' own rules forbid.
KEEPS_MARKS_TODAY: dict[str, str] = {
    "h21_dfwave_log_derivative": "logarithmic differentiation gives nan only at x = 0 exactly, and no check sends it",
    "h21_gd_zero_steps_shape": "a path of the wrong shape only for n_steps = 0, and no check takes no step",
    "h21_loss_clip_targets": "targets clipped into [0, 1] change only targets outside it, and no check sends one",
}
# The surface cached by the grid alone and the partial derivative cached by the point alone kept their marks (and the
# second cost `gradient`) until each hidden input was called right after its neighbours (one argument drawn afresh).
COSTS_CALLERS_TODAY: dict[str, str] = {}

globals().update(holdout_checks("twentyfirst", globals()))
