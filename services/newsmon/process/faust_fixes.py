"""Three fixes for faust-streaming 0.15.3 that newsmon's at-least-once guarantee depends on.

1. After a rebalance, events fetched in the previous consumer generation are skipped by the stream
   and acked anyway (streams.py, `value is skipped_value`). The consumer records those offsets as
   done, so once the partition is re-read from its committed offset, a commit can pass records
   that were never processed in the new generation, and a crash right then loses them (seen as one
   lost article under repeated SIGKILLs). Acks of a stale generation are ignored here instead.
2. The consumer's fetch loop drops, without delivering or acking it, any record below the last
   offset it saw for a partition (`_read_offset`), and takes a jump above it for a gap it may
   commit over. Across a rebalance that bookkeeping goes stale: a worker handed partitions back
   dropped a run of records, then acked and committed the ones after them (seen as 2–5 lost
   articles per run when processors joined and left). newsmon's topics have no offset gaps (no
   transactions, no compaction) and its processing is idempotent, so the consumer here keeps no
   read offsets: every fetched record is delivered, and commits advance only over acked ones.
3. The consumer thread's commit crashes the worker on any commit failure but the one whose
   message says "already rebalanced": a commit racing a rebalance that finds no assignment
   ("No partitions assigned", IllegalStateError) or a partition just taken away killed the worker,
   as the same race killed the indexer. Here a commit covers only partitions aiokafka holds at
   that moment, and a refused commit is a warning: the records are redelivered from the last
   commit (`connections.commit_or_redeliver`, the indexer's and crawler's path, has the same rule).
"""

from __future__ import annotations

from collections.abc import Mapping
from time import monotonic
from typing import Any

from aiokafka.errors import CommitFailedError, IllegalStateError
from aiokafka.structs import OffsetAndMetadata
from faust.transport.consumer import Consumer
from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread, ensure_aiokafka_TP

from newsmon import metrics

_faust_ack = Consumer.ack
_faust_init = Consumer.__init__


def _ack_current_generation(self: Consumer, message) -> bool:  # type: ignore[no-untyped-def]
    generation = getattr(message, "generation_id", None)
    if generation is not None and generation != self.app.consumer_generation_id:
        return False
    return _faust_ack(self, message)


class _NoReadOffsets(dict):
    """Consumer._read_offset that remembers nothing: the fetch loop then neither drops a record
    nor records a gap (both need a last read offset)."""

    def __getitem__(self, tp: Any) -> None:
        return None

    def __setitem__(self, tp: Any, offset: Any) -> None:
        pass

    def update(self, *args: Any, **kwargs: Any) -> None:
        pass


def _init_without_read_offsets(self: Consumer, *args: Any, **kwargs: Any) -> None:
    _faust_init(self, *args, **kwargs)
    self._read_offset = _NoReadOffsets()


async def _commit_or_redeliver(self: AIOKafkaConsumerThread, offsets: Mapping[Any, int]) -> bool:
    """AIOKafkaConsumerThread._commit, but a commit a rebalance refuses is not a crash."""
    consumer = self._ensure_consumer()
    assigned = consumer.assignment()  # checked and used with no await in between
    commitable = {tp: offset for tp, offset in offsets.items() if ensure_aiokafka_TP(tp) in assigned}
    if not commitable:
        return False
    now = monotonic()
    try:
        await consumer.commit({ensure_aiokafka_TP(tp): OffsetAndMetadata(offset, "") for tp, offset in commitable.items()})
    except (CommitFailedError, IllegalStateError) as exc:
        metrics.COMMIT_REFUSED.labels("process").inc()
        self.log.warning("commit refused after a rebalance (%r); the records are redelivered", exc)
        return False
    except Exception as exc:  # noqa: BLE001 - anything else stays fatal, as in Faust
        self.log.exception("Got exception: %r\nCurrent assignment: %r", exc, self.assignment())
        await self.crash(exc)
        return False
    self.tp_last_committed_at.update({tp: now for tp in commitable})
    return True


def apply() -> None:
    """Idempotent: install the three fixes on Faust's Consumer and its aiokafka thread."""
    Consumer.ack = _ack_current_generation  # type: ignore[method-assign]
    Consumer.__init__ = _init_without_read_offsets  # type: ignore[method-assign]
    AIOKafkaConsumerThread._commit = _commit_or_redeliver  # type: ignore[method-assign]
