"""The Faust app: declarative wiring of topics, the fingerprint table and the agents.

The stages themselves are plain functions (newsmon.process.enrich, newsmon.process.dedupe);
agents only decode, call them, and send.
"""

from __future__ import annotations

import fcntl
import itertools
from pathlib import Path

import faust

from newsmon.connections import faust_broker_options
from newsmon.process import faust_fixes
from newsmon.settings import Settings

MAX_MESSAGE_BYTES = 32 * 1024 * 1024


_SLOT_LOCKS: list = []  # held for the life of the process


def _worker_slot(root: Path) -> Path:
    """A data directory no other worker on this machine uses: the first free `slot-N`, locked
    for this process's life. Its RocksDB tables cannot be opened by two workers at once (several
    `newsmon process` on one state dir), and a restarted worker finds its slot's tables warm."""
    root.mkdir(parents=True, exist_ok=True)
    for number in itertools.count():
        slot = root / f"slot-{number}"
        slot.mkdir(exist_ok=True)
        handle = open(slot / ".lock", "w")  # noqa: SIM115 - kept open: the lock lives with it
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            continue
        _SLOT_LOCKS.append(handle)
        return slot


def create_app(settings: Settings) -> faust.App:
    """A Faust app for `settings`; several workers with the same app id share the partitions."""
    faust_fixes.apply()
    # Faust keeps an app directory even for in-memory tables: under the state dir, not the cwd.
    data_dir = _worker_slot(settings.state_dir / "faust")
    app = faust.App(
        settings.faust_app_id,
        **faust_broker_options(settings),
        key_serializer="raw",
        value_serializer="raw",
        store="memory://",
        datadir=str(data_dir / "{conf.name}-data"),
        processing_guarantee="at_least_once",
        topic_replication_factor=settings.topic_replication,
        topic_allow_declare=True,
        topic_disable_leader=True,
        producer_acks=-1,
        # An article becomes ~7 records; sent one request each (Faust's default linger is 0), socket
        # writes were the worker's largest self time. 5 ms batches them: 195-220 -> 221-252 articles/s.
        producer_linger=0.005,
        producer_max_request_size=MAX_MESSAGE_BYTES,
        consumer_max_fetch_size=MAX_MESSAGE_BYTES,
        consumer_auto_offset_reset="earliest",
        broker_commit_every=100,
        broker_commit_interval=1.0,
        # A worker that died (SIGKILL, OOM) holds its partitions until its session expires, and the
        # single news.enriched partition stalls with it: 15 s rather than Faust's 60 s.
        broker_session_timeout=15.0,
        web_enabled=settings.faust_web_port > 0,
        web_port=max(settings.faust_web_port, 1),
        web_bind="0.0.0.0",
    )
    from faust.sensors.prometheus import setup_prometheus_sensors

    from newsmon.process.agents import register
    from newsmon.reconcile.agents import register as register_reconcile

    register(app, settings)
    register_reconcile(app, settings)
    if settings.faust_web_port > 0:
        setup_prometheus_sensors(app)  # /metrics on the worker's web port (health + Prometheus)
    return app
