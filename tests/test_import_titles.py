"""Derived titles: the introduced name plus what it is, or the main contribution; never the first N chars."""

import pytest

from sitegen.merge import make_slug
from sitegen.titles import derive_title


@pytest.mark.parametrize(
    "abstract, title",
    [
        (
            "Endoscopic video generation is crucial. However, prior efforts focused on static images. "
            "Therefore, in this paper, we propose the first conditional endoscopic video generation "
            "framework, namely EndoGen. Specifically, we build an autoregressive model.",
            "EndoGen: Conditional Endoscopic Video Generation Framework",
        ),
        (
            "Chest X ray imaging remains critical. To address these gaps, we propose RadFabric, a multi "
            "agent, multimodal reasoning framework that unifies visual and textual analysis.",
            "RadFabric: Multi Agent Multimodal Reasoning Framework",
        ),
        (
            "Medical image segmentation is evolving. To bridge this gap, we propose MedSAM-Agent, a "
            "framework that reformulates interactive segmentation as a multi-step decision-making process.",
            "MedSAM-Agent: Framework That Reformulates Interactive Segmentation",
        ),
        (
            "CT reconstruction is limited. In this paper, we present X-GRM (X-ray Gaussian Reconstruction "
            "Model), a large feedforward model for reconstructing 3D CT from sparse-view projections.",
            "X-GRM: X-Ray Gaussian Reconstruction Model",
        ),
        (
            "Video anomaly detection is crucial. To address this challenge, we propose a new "
            "framework called Track Any Anomalous Object (TAO), which introduces a granular pipeline.",
            "TAO: Track Any Anomalous Object",
        ),
        (
            "Reports matter. To address these issues, we propose DAMPER, a dual-stage framework for medical "
            "report generation that mimics the clinical pipeline.",
            "DAMPER: Dual-Stage Framework for Medical Report Generation",
        ),
    ],
)
def test_a_paper_that_introduces_a_name_gets_name_and_descriptor(abstract, title):
    assert derive_title(abstract) == title


def test_without_a_name_the_main_contribution_becomes_the_title():
    abstract = (
        "Grey matter loss in the hippocampus is a hallmark of aging. In this study, we develop an "
        "interpretable deep learning framework to predict brain age from hippocampal FC using a 3D CNN."
    )
    assert (
        derive_title(abstract)
        == "Interpretable Deep Learning Framework to Predict Brain Age from Hippocampal FC"
    )


def test_a_review_of_this_field_names_the_field():
    abstract = (
        "The proliferation of Large Language Models (LLMs) in medicine has enabled impressive capabilities. "
        "This paper provides the first systematic review of this emerging field. We propose a taxonomy."
    )
    assert derive_title(abstract) == "Systematic Review of Large Language Models in Medicine"


def test_a_derived_title_is_never_just_the_opening_characters():
    abstract = (
        "Tumor data synthesis offers a promising solution to the shortage of annotated data. We present "
        "TumorGen, a novel Boundary-Aware Tumor-Mask Synthesis with Rectified Flow Matching for efficient 3D "
        "tumor synthesis with three key components."
    )
    title = derive_title(abstract)
    assert title.startswith("TumorGen: ")
    assert not abstract.lower().startswith(title.lower()[:20])
    assert not title.endswith((" for", " of", " and", " the", " a", ","))


@pytest.mark.parametrize(
    "title, slug",
    [
        ("EndoGen: Conditional Endoscopic Video Generation Framework", "endogen"),
        ("MedSAM-Agent: Framework That Reformulates Interactive Segmentation", "medsam-agent"),
        ("S³-Mamba: Small-Size-Sensitive Mamba", "s3-mamba"),
        ("MedShapeNet -- A Large-Scale Dataset of 3D Medical Shapes", "medshapenet"),
        (
            "Don't Ignore Dual Logic Ability of LLMs while Privatizing",
            "dont-ignore-dual-logic-ability-of-llms-while-privatizing",
        ),
    ],
)
def test_slugs_prefer_the_short_name(title, slug):
    assert make_slug(title, set()) == slug


def test_long_slugs_are_cut_at_a_word_and_clashes_stay_unique():
    long_title = (
        "Preserving Privacy, Increasing Accessibility, and Reducing Cost of an On-Device Model for Notes"
    )
    slug = make_slug(long_title, set())
    assert len(slug) <= 60 and not slug.endswith("-") and long_title.lower().startswith(slug.split("-")[0])
    first = make_slug("Bora: Biomedical Video Generation", set())
    second = make_slug("Bora: Another Paper", {first})
    assert first == "bora" and second != first and second.startswith("bora-") and second.isascii()
