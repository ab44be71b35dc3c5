"""The Faust app's wiring: what a restarted worker reads back from the table changelog."""

from __future__ import annotations

from newsmon.process.app import create_app
from newsmon.settings import Settings


def test_fingerprint_table_values_read_back_from_the_changelog() -> None:
    # Recovery decodes each changelog record with the table's value type; with value_type=list
    # that raised ("list has no attribute from_data") and a restarted worker never became ready.
    app = create_app(Settings(faust_app_id="unit-process", faust_web_port=0))
    table = app.tables["fingerprints"]
    for value in ([["0123456789abcdef0123", "00ff00ff00ff00ff"]], [""], ["0123456789abcdef0123"]):
        raw = app.serializers.dumps_value(table.value_type, value, serializer=table.value_serializer)
        assert app.serializers.loads_value(table.value_type, raw, serializer=table.value_serializer) == value


def test_app_data_lives_under_the_state_dir(tmp_path) -> None:
    app = create_app(Settings(faust_app_id="unit-process", faust_web_port=0, state_dir=tmp_path))
    assert app.conf.appdir.is_relative_to(tmp_path / "faust")


def test_workers_on_one_state_dir_get_their_own_data_dirs(tmp_path) -> None:
    first = create_app(Settings(faust_app_id="unit-process", faust_web_port=0, state_dir=tmp_path))
    second = create_app(Settings(faust_app_id="unit-process", faust_web_port=0, state_dir=tmp_path))
    assert first.conf.appdir != second.conf.appdir  # RocksDB tables open in one worker at a time
