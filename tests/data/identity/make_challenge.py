"""Write the 22-team challenge listings: one shared boilerplate paragraph, then each team's own.

`python tests/data/identity/make_challenge.py` rewrites them; tests/test_import_identity.py checks
that the committed files are what this script gives. Every team's own text is different, and
every other team has a code link, so that both ways of telling them apart are exercised: the
titles (daily papers) and, with no titles (abstract dump), the text and the code links.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
TEAMS = [
    "Aurora", "Basalt", "Cedar", "Delta", "Ember", "Fjord", "Granite", "Harbor", "Iris", "Juniper", "Krypton",
    "Lagoon", "Meadow", "Nimbus", "Onyx", "Prairie", "Quartz", "Ridge", "Sierra", "Tundra", "Umber", "Vesper",
]  # fmt: skip
BOILERPLATE = (
    "The KneeMRI 2025 challenge asks participants to grade cartilage lesions, meniscal tears and "
    "bone marrow oedema in 3,400 knee MRI examinations acquired at eleven sites with 1.5 and 3 tesla "
    "scanners. Submissions are ranked by the quadratic weighted kappa against a panel of three "
    "musculoskeletal radiologists on a hidden test set, and every team describes its method in a "
    "short report that follows the organisers' template."
)
BACKBONES = ["a 3D ResNet-50", "a Swin UNETR", "a ConvNeXt-T", "a ViT-B/16", "an nnU-Net", "a DenseNet"]
INPUTS = ["sagittal proton-density", "coronal T1", "axial fat-saturated", "all three planes of"]
TRICKS = [
    "label smoothing over adjacent grades",
    "an ordinal regression head",
    "mixup between sites",
    "a focal loss for rare grades",
    "self-distillation from a larger teacher",
    "test-time flipping across the sagittal plane",
    "contrastive pretraining on 20,000 unlabeled knees",
]


def team_text(number: int) -> str:
    name = TEAMS[number]
    backbone = BACKBONES[number % len(BACKBONES)]
    view = INPUTS[number % len(INPUTS)]
    trick = TRICKS[(number * 3) % len(TRICKS)]
    kappa = 0.70 + number / 100
    text = (
        f"Team {name} trains {backbone} on {view} sequences with {trick}, ensembles {2 + number % 4} "
        f"checkpoints chosen on a site-stratified split, and reaches a weighted kappa of {kappa:.2f} "
        f"in the validation phase, ranking {number + 1} of {len(TEAMS)}."
    )
    if number % 2 == 0:
        text += f" Code: https://github.com/team-{name.lower()}/kneemri-2025."
    return text


def title(number: int) -> str:
    trick = TRICKS[(number * 3) % len(TRICKS)]
    return f"Team {TEAMS[number]} at the KneeMRI 2025 Challenge: {trick[0].upper()}{trick[1:]}"


def daily_papers(teams: range = range(len(TEAMS))) -> str:
    parts = ["Daily Papers", "Oct 2"]
    for number in teams:
        parts += [
            title(number),
            f"{BOILERPLATE} {team_text(number)}",
            f"  • {3 + number % 5} authors\n·\nSep {1 + number}, 2025 {number % 7}",
        ]
    return "\n\n".join(parts) + "\n"


def abstract_dump(teams: range = range(len(TEAMS))) -> str:
    return "\n\n".join(f"Abstract:{BOILERPLATE}\n\n{team_text(number)}" for number in teams) + "\n"


# The whole challenge at once, and in two steps (the first three teams, then the other nineteen).
LISTINGS = {
    "challenge_22.txt": daily_papers,
    "challenge_22_dump.txt": abstract_dump,
    "challenge_step1.txt": lambda: daily_papers(range(3)),
    "challenge_step2.txt": lambda: daily_papers(range(3, len(TEAMS))),
    "challenge_step1_dump.txt": lambda: abstract_dump(range(3)),
    "challenge_step2_dump.txt": lambda: abstract_dump(range(3, len(TEAMS))),
}

if __name__ == "__main__":
    for name, make in LISTINGS.items():
        (HERE / name).write_text(make(), encoding="utf-8")
