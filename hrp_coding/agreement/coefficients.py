"""Reliability coefficients (being filled in: signatures are final)."""

from __future__ import annotations

from .result import AgreementResult

__all__ = ['brennan_prediger', 'cohen_kappa', 'conger_kappa', 'fleiss_kappa', 'gwet_ac1', 'krippendorff_alpha', 'percent_agreement', 'scott_pi']


def percent_agreement(ratings, *, categories=None, weights=None, se="auto", n_boot=1000, seed=None,
        confidence=0.95) -> AgreementResult:
    raise NotImplementedError("percent_agreement lands in the next commit")


def cohen_kappa(ratings, *, categories=None, weights=None, se="auto", n_boot=1000, seed=None,
        confidence=0.95) -> AgreementResult:
    raise NotImplementedError("cohen_kappa lands in the next commit")


def scott_pi(ratings, *, categories=None, weights=None, se="auto", n_boot=1000, seed=None,
        confidence=0.95) -> AgreementResult:
    raise NotImplementedError("scott_pi lands in the next commit")


def fleiss_kappa(ratings, *, categories=None, weights=None, se="auto", n_boot=1000, seed=None,
        confidence=0.95) -> AgreementResult:
    raise NotImplementedError("fleiss_kappa lands in the next commit")


def conger_kappa(ratings, *, categories=None, weights=None, se="auto", n_boot=1000, seed=None,
        confidence=0.95) -> AgreementResult:
    raise NotImplementedError("conger_kappa lands in the next commit")


def gwet_ac1(ratings, *, categories=None, weights=None, se="auto", n_boot=1000, seed=None,
        confidence=0.95) -> AgreementResult:
    raise NotImplementedError("gwet_ac1 lands in the next commit")


def brennan_prediger(ratings, *, categories=None, weights=None, se="auto", n_boot=1000, seed=None,
        confidence=0.95) -> AgreementResult:
    raise NotImplementedError("brennan_prediger lands in the next commit")


def krippendorff_alpha(ratings, *, categories=None, level="nominal", se="auto", n_boot=1000, seed=None,
                       confidence=0.95) -> AgreementResult:
    raise NotImplementedError("krippendorff_alpha lands in the next commit")
