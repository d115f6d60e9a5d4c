"""The published sources a lesson quotes, named once so every lesson cites them the same way.

Introduced in 04_post_training_quantization.
"""
from __future__ import annotations

from dataclasses import dataclass

from edgebook.showing import shows_itself


@dataclass(frozen=True)
@shows_itself
class Source:
    """A talk, guide or paper: who, what, where to read or watch it."""

    author: str
    title: str
    where: str
    url: str

    def __str__(self) -> str:
        return f'{self.author}, "{self.title}", {self.where} ({self.url})'

    @property
    def short(self) -> str:
        """The form a printed line uses: author and where, e.g. "Situnayake, QCon SF 2019"."""
        return f"{self.author.split()[-1]}, {self.where}"


SITUNAYAKE_TALK = Source(
    author="Daniel Situnayake",
    title="Machine Learning on Mobile and Edge Devices with TensorFlow Lite",
    where="QCon SF 2019",
    url="https://www.infoq.com/presentations/tensorflow-lite/")
"""The talk the course's story follows (video and transcript on InfoQ): MobileNet vs
Inception about 40x faster and 8x smaller; int8 4x smaller for about 1 point; pruning half
the weights for about 1 point; prune + quantize about 8x smaller."""
