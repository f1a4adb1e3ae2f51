"""Shares estimated from articles: the minimum evidence for an estimate, and intervals that stay honest.

A share is a ratio of sums over articles: the sentences naming an actor with some label over all
the sentences naming that actor. Articles, not sentences, are the independent units (an article
tends to name an actor one way throughout), so every interval here treats the articles of a unit
as a sample from its outlet and the sentences of one article as correlated.

No plotting here, and nothing that reads or writes files: figures and reports import this module,
never the reverse.
"""

from __future__ import annotations

import numpy as np

from framing.errors import FramingError

#: The fewest articles naming an actor for a unit (outlet, group, period) to be estimated. With
#: five articles the variance between articles has 4 degrees of freedom (t quantile 2.78 instead
#: of 1.96, already a wide interval), two five-article units have 252 ways to be split, so the
#: permutation test can reach p < 0.01 at all (four and four: 70 splits, p of 0.03 at best), and
#: in the simulations of experiments/calibration.py the intervals cover the truth in 95-97.5% of
#: units from five articles up, where the bootstrap alone covers 63% of units of 2-4 articles
#: (README, "How sure the numbers are").
MIN_ARTICLES = 5
#: The fewest sentences naming an actor for a unit to be estimated: below ten, one sentence moves
#: a share by more than ten points.
MIN_SENTENCES = 10
LEVEL = 0.95


def check_minimum(min_articles: int, min_sentences: int) -> None:
    """Both minimums must be at least 1."""
    if min_articles < 1 or min_sentences < 1:
        raise FramingError(
            f"--min-articles and --min-sentences must be at least 1, not {min_articles} and {min_sentences}"
        )


def check_replicates(n_boot: int) -> None:
    """Bootstrap replicates must be at least 1 (0 would leave every interval undefined)."""
    if n_boot < 1:
        raise FramingError(f"--n-boot must be at least 1, not {n_boot}")


def meets_minimum(
    articles: int, sentences: int, min_articles: int = MIN_ARTICLES, min_sentences: int = MIN_SENTENCES
) -> bool:
    """Whether a unit with these counts (of articles and sentences naming one actor) is estimated."""
    return articles >= min_articles and sentences >= min_sentences


def shortfall(articles: int, sentences: int, min_articles: int, min_sentences: int) -> str:
    """What a unit lacks, e.g. "3 articles (< 5) and 4 sentences (< 10)"; empty when it has enough."""
    parts = []
    if articles < min_articles:
        parts.append(f"{articles} article{'s' * (articles != 1)} (< {min_articles})")
    if sentences < min_sentences:
        parts.append(f"{sentences} sentence{'s' * (sentences != 1)} (< {min_sentences})")
    return " and ".join(parts)


def jeffreys(x: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Jeffreys interval of ``x`` successes in ``n`` trials (both may be fractional), at LEVEL.

    The lower end is 0 where x is 0 and the upper end 1 where x is n (Brown, Cai and DasGupta 2001).
    """
    from scipy.stats import beta  # here, not above: the command line reads this module's constants at start

    x, n = np.asarray(x, dtype=np.float64), np.asarray(n, dtype=np.float64)
    tail = (1 - LEVEL) / 2
    low = np.where(x <= 0, 0.0, beta.ppf(tail, x + 0.5, np.maximum(n - x, 0) + 0.5))
    high = np.where(x >= n, 1.0, beta.ppf(1 - tail, x + 0.5, np.maximum(n - x, 0) + 0.5))
    return np.nan_to_num(low, nan=0.0), np.nan_to_num(high, nan=1.0)


def ratio_variance(n: int, named: np.ndarray, total: np.ndarray, yy: np.ndarray, ym: np.ndarray, mm: np.ndarray):
    """Between-article variance of a ratio of sums ``named / total`` over ``n`` articles, from sums.

    ``yy``, ``ym`` and ``mm`` are the sums over the articles of ``y**2``, ``y*m`` and ``m**2`` (``y``
    an article's count of the label, ``m`` its sentences naming the actor). The linearised
    (cluster-robust) estimate ``n/(n-1) * sum((y - share*m)**2) / total**2`` is computed as
    ``total**2*yy - 2*named*total*ym + named**2*mm``, a sum of integers and so exact in float64 for
    counts: articles that all agree give exactly zero. Zero for a single article.
    """
    spread = np.maximum(total**2 * yy - 2 * named * total * ym + named**2 * mm, 0.0)
    return n / max(n - 1, 1) * spread / total**4


def cluster_variance(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``ratio_variance`` of each column of ``numerator`` (articles x shares) over ``denominator``."""
    y = numerator.reshape(len(numerator), -1).astype(np.float64)
    m = denominator.astype(np.float64)[:, None]
    return ratio_variance(len(y), y.sum(axis=0), m.sum(), (y * y).sum(axis=0), (y * m).sum(axis=0), (m * m).sum())


def cr2_variance(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Bias-reduced (CR2) variance of the ratio of sums, per column (Bell and McCaffrey 2002).

    ``sum((y_i - share*m_i)**2 / (1 - m_i/M)) / M**2``: each article's residual is scaled up by its
    leverage ``m_i / M``, which the plain estimate ignores and so underestimates with few articles.
    Needs at least two articles (NaN otherwise).
    """
    y = numerator.reshape(len(numerator), -1).astype(np.float64)
    m = denominator.astype(np.float64)[:, None]
    total = m.sum()
    if len(y) < 2:
        return np.full(y.shape[1], np.nan)
    share = y.sum(axis=0) / total
    return (((y - share * m) ** 2) / (1 - m / total)).sum(axis=0) / total**2


def article_dof(denominator: np.ndarray) -> float:
    """Degrees of freedom of a variance estimated from articles of unequal length.

    ``(sum m**2)**2 / sum m**4 - 1``: the effective number of articles when one long article
    weighs like several short ones (Satterthwaite's approximation, as in Bell and McCaffrey 2002),
    less one for the share; ``n - 1`` when all articles are alike in length, and at least 1.
    """
    m = denominator.astype(np.float64) ** 2
    return max(float(m.sum() ** 2 / (m**2).sum()) - 1.0, 1.0)


def effective_sentences(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """How many independent sentences the articles are worth, per column (Korn and Graubard 1998).

    ``share * (1 - share) / variance`` (the sentences over the design effect), at most the
    sentences counted, shrunk by ``(z / t_{n-1})**2`` for the few degrees of freedom of a variance
    estimated from ``n`` articles. At a share of exactly 0 or 1 the articles cannot show how
    correlated their sentences are, so each article counts as one sentence: the cautious end (with
    articles as one-sided as AllSides' most one-sided outlets, counting sentences there covers the
    truth too rarely: ``experiments/calibration.py``). Where the articles agree exactly on a share
    strictly between 0 and 1, they count as all their sentences.
    """
    from scipy.stats import norm, t

    y = numerator.reshape(len(numerator), -1)
    sentences = float(denominator.sum())
    share = y.sum(axis=0) / sentences
    variance = cluster_variance(y, denominator)
    n = len(y)
    if n < 2:
        return np.zeros_like(share)
    extreme = (share <= 0) | (share >= 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        size = np.where(variance > 0, share * (1 - share) / variance, sentences)
    size = np.where(extreme, n, np.minimum(size, sentences))
    return size * (norm.ppf(0.5 + LEVEL / 2) / t.ppf(0.5 + LEVEL / 2, n - 1)) ** 2


def design_interval(numerator: np.ndarray, denominator: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Jeffreys interval with the effective number of sentences, per column; (0, 1) for one article."""
    y = numerator.reshape(len(numerator), -1)
    share = y.sum(axis=0) / denominator.sum()
    size = effective_sentences(y, denominator)
    low, high = jeffreys(share * size, size)
    return np.where(size > 0, low, 0.0), np.where(size > 0, high, 1.0)


def share_interval(numerator: np.ndarray, denominator: np.ndarray, picks: np.ndarray) -> tuple[float, float, float]:
    """One share and its 95% interval: the percentile bootstrap over articles, widened to the design interval.

    ``picks`` holds one row of article indices per bootstrap replicate. The percentile bootstrap
    alone covers the truth in only 78% of units of 5 to 9 articles (simulated) and collapses to zero
    width when the articles agree; the design-effect Jeffreys interval (``design_interval``) does
    not, and with many articles the two nearly coincide, so their union keeps the bootstrap's
    asymmetry where the data show it and never claims more than the articles support.
    """
    share, low, high = bootstrap_share(numerator, denominator, picks)
    design_low, design_high = design_interval(numerator, denominator)
    return share, min(low, float(design_low[0])), max(high, float(design_high[0]))


def bootstrap_share(numerator: np.ndarray, denominator: np.ndarray, picks: np.ndarray) -> tuple[float, float, float]:
    """A ratio of sums over articles and its 95% percentile interval over resampled articles."""
    share = numerator.sum() / denominator.sum()
    boot = numerator[picks].sum(axis=1) / denominator[picks].sum(axis=1)
    low, high = np.percentile(boot, [2.5, 97.5])
    return float(share), float(low), float(high)


def difference_interval(
    a: tuple[np.ndarray, np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Interval of ``share_a - share_b`` from each unit's (share, low, high), by Newcombe's MOVER.

    The difference's ends add the two units' distances to their own ends in quadrature
    (Newcombe 1998, method 10), so a difference between thin units is as uncertain as the units.
    """
    (share_a, low_a, high_a), (share_b, low_b, high_b) = a, b
    difference = share_a - share_b
    low = difference - np.sqrt((share_a - low_a) ** 2 + (high_b - share_b) ** 2)
    high = difference + np.sqrt((high_a - share_a) ** 2 + (share_b - low_b) ** 2)
    return np.maximum(low, -1.0), np.minimum(high, 1.0)
