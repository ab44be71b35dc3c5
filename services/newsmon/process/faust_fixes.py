"""A fix for faust-streaming 0.15.3 that newsmon's at-least-once guarantee depends on.

After a rebalance, events fetched in the previous consumer generation are skipped by the stream
and acked anyway (streams.py, `value is skipped_value`). The consumer records those offsets as
done, so once the partition is re-read from its committed offset, a commit can pass records that
were never processed in the new generation, and a crash right then loses them (seen as one lost
article under repeated SIGKILLs). Acks of a stale generation are ignored here instead.
"""

from __future__ import annotations

from faust.transport.consumer import Consumer

_faust_ack = Consumer.ack


def _ack_current_generation(self: Consumer, message) -> bool:  # type: ignore[no-untyped-def]
    generation = getattr(message, "generation_id", None)
    if generation is not None and generation != self.app.consumer_generation_id:
        return False
    return _faust_ack(self, message)


def apply() -> None:
    """Idempotent: install the generation check on Faust's Consumer.ack."""
    Consumer.ack = _ack_current_generation  # type: ignore[method-assign]
