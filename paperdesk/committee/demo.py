"""A reviewer pool for the demo, so that a newcomer can try the chairs' side at once:
accept volunteers, compute conflicts, run the assignment and read why each pair was chosen.

Everything goes through the real services: reviewers volunteer with their expertise,
import their publications, are accepted by the venue's chair and bid. Two volunteers are
left waiting for the chair's answer. One reviewer works at an author's institution and one
has co-authored with an author, so the conflicts page has something to show."""

from __future__ import annotations

from collections.abc import Callable

from paperdesk.submissions.models import Submission
from paperdesk.venues.models import Venue, VenueRole

from .conflicts import compute_conflicts
from .services import ReviewingError, VolunteerInput, bid_set, publications_import, volunteer, volunteer_decide

# (full name, local part, institution, domain label, expertise, a co-author among the demo authors)
REVIEWERS = [
    ("Olivia Brandt", "olivia.brandt", "Kestrel Institute", "kestrel", ["circuits", "model-biology"], ""),
    ("Pavel Horak", "pavel.horak", "Moravia Technical University", "moravia", ["unsupervised-discovery", "circuits"], ""),
    ("Quynh Tran", "quynh.tran", "Mekong Institute of AI", "mekong", ["monitoring", "safety-auditing"], "Chen Wei"),
    ("Rafael Costa", "rafael.costa", "Fjord University", "fjord", ["reasoning-cot", "debugging"], ""),
    ("Sofia Marin", "sofia.marin", "Carpathia Lab", "carpathia", ["applications-benchmarking", "monitoring"], ""),
    ("Tomas Berg", "tomas.berg", "Baltic Research Centre", "baltic", ["model-biology", "reasoning-cot"], ""),
    ("Uma Iyer", "uma.iyer", "Western Ghats University", "ghats", ["safety-auditing", "debugging"], ""),
    ("Viktor Lund", "viktor.lund", "Aurora Lab", "aurora", ["circuits", "applications-benchmarking"], ""),
]
WAITING = 2  # the last volunteers wait for the chair: accepting them is part of the tour
TOPIC_PHRASES = {
    "circuits": "circuit discovery with activation patching in small transformers",
    "model-biology": "the internal biology of language models: features and their interactions",
    "unsupervised-discovery": "sparse autoencoders and dictionary learning for unsupervised feature discovery",
    "monitoring": "cheap activation monitors for deceptive or harmful behaviour",
    "safety-auditing": "auditing models for hidden objectives with interpretability tools",
    "reasoning-cot": "whether chain-of-thought reflects the computation behind a model's answer",
    "debugging": "finding and fixing model failures with attribution and steering",
    "applications-benchmarking": "benchmarks that test whether interpretability methods beat simple baselines",
}
BIDS = ["eager", "willing", "in_a_pinch", "not_willing"]


def _publications(name: str, expertise: list[str], coauthor: str) -> list[dict]:
    records = []
    for year, topic in zip((2023, 2024, 2025), (*expertise, expertise[0])):
        phrase = TOPIC_PHRASES.get(topic, topic.replace("-", " "))
        records.append({
            "title": f"{'Revisiting' if year == 2025 else 'On'} {phrase}" + (" at scale" if year == 2024 else ""),
            "abstract": f"We study {phrase}. We compare against strong baselines and report where the method fails.",
            "year": year,
            "authors": [name, coauthor] if coauthor and year == 2024 else [name],
        })
    return records


def populate_pool(*, venue: Venue, people: list, log: Callable[[str], None] = lambda line: None) -> dict[str, int]:
    """`people`: the demo reviewers' accounts, in REVIEWERS order."""
    chair = VenueRole.objects.filter(venue=venue, role=VenueRole.Role.CHAIR).select_related("user").first()
    counts = {"accepted": 0, "volunteered": 0, "bids": 0}
    submitted = list(Submission.objects.filter(venue=venue, status=Submission.Status.SUBMITTED).order_by("number"))
    accepted = []
    for index, ((name, _, _, _, expertise, coauthor), user) in enumerate(zip(REVIEWERS, people)):
        member = volunteer(venue=venue, actor=user, data=VolunteerInput(
            expertise=expertise, max_load=venue.spec.reviewing.max_load,
            statement=f"I work on {TOPIC_PHRASES.get(expertise[0], expertise[0])} and would be glad to review.",
        ))
        publications_import(user=user, actor=user, records=_publications(name, expertise, coauthor), source="demo")
        if chair is None or index >= len(REVIEWERS) - WAITING:
            counts["volunteered"] += 1
            continue
        volunteer_decide(member=member, actor=chair.user, accept=True)
        accepted.append((index, user))
    counts["accepted"] = len(accepted)
    compute_conflicts(venue)  # before bidding: nobody bids on a paper they are conflicted with
    for index, user in accepted:
        for offset, value in enumerate(BIDS):
            if not submitted:
                break
            paper = submitted[(index * 2 + offset) % len(submitted)]
            try:
                bid_set(submission=paper, actor=user, value=value)
                counts["bids"] += 1
            except ReviewingError:
                pass  # a paper this reviewer may not bid on (a conflict): no bid, as on the page
    if chair is None:
        log(f"  {venue.slug} has no chair yet: the {len(people)} volunteers wait in the pool.")
    return counts
