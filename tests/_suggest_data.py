"""A labelled set of interview turns built for the suggest tests (fictional, generated from templates).

Three codes with overlapping vocabulary, so that the task is learnable but not trivial: each turn mixes
cue phrases of its code with filler shared by all codes, and 10% of the labels are flipped (noise).
Turns belong to "transcripts" (groups) so held-out evaluation can be grouped like real data.
"""

from __future__ import annotations

import random

CUES = {
    "question": ["how often do you", "what happens when you", "would you tell me about", "when did you last",
                 "is it okay if we talk about", "what would it take to", "do you want to"],
    "reflection": ["it sounds like you", "you feel that", "so for you", "you are saying that",
                   "part of you wants", "you seem worried that", "it has been hard for you when"],
    "information": ["research shows that", "many people find that", "the clinic offers",
                    "naloxone can reverse", "the needle exchange is open", "a safer way is to", "we can provide"],
}
FILLER = ["use", "drink", "your family", "the weekend", "work", "sleep", "your friends", "the clinic", "money",
          "feel better", "stop", "cut down", "the doctor", "your partner", "the program"]
ENDINGS = {"question": ["?", "?", "?", "."], "reflection": [".", ".", ".", "?"],
           "information": [".", ".", ".", "."]}


def make_turns(n_transcripts: int = 24, turns_per: int = 30, seed: int = 0, noise: float = 0.1):
    """Return (texts, labels, groups)."""
    rng = random.Random(seed)
    codes = sorted(CUES)
    texts, labels, groups = [], [], []
    for t in range(n_transcripts):
        for _ in range(turns_per):
            code = rng.choice(codes)
            words = [rng.choice(CUES[code]), rng.choice(FILLER), rng.choice(FILLER)]
            if rng.random() < 0.4:  # a cue of another code: overlap between codes
                words.insert(rng.randrange(len(words) + 1), rng.choice(CUES[rng.choice(codes)]))
            text = " ".join(words).capitalize() + rng.choice(ENDINGS[code])
            label = rng.choice(codes) if rng.random() < noise else code
            texts.append(text)
            labels.append(label)
            groups.append(f"T{t:02d}")
    return texts, labels, groups
