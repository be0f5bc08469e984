"""The streaming build: `build_to_folder` writes what `build_event_table` + `io.write_outputs` write,
without keeping the texts; texts parked in a spool; the articles table written part by part."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from data_prep import io, pipeline, schema, settings
from data_prep.merge import merge_in_parts
from data_prep.models import Article, Reject

from .conftest import FIXTURES, SEEDS
from .folder_snapshot import snapshot, visible

INPUTS = FIXTURES / "inputs"
TABLE_FILES = (settings.EVENTS_PARQUET, settings.EVENTS_CSV, settings.MENTIONS_PARQUET,
               settings.ARTICLES_CSV, settings.ARTICLES_PARQUET)


@pytest.fixture(scope="module")
def both_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[pipeline.BuildResult, Path,
                                                                   pipeline.BuildResult, Path]:
    """The seeds and the input fixtures (every format, bad files, records) built both ways,
    with parts of two articles so that the streamed table has many parts."""
    root = tmp_path_factory.mktemp("builds")
    in_memory = pipeline.build_event_table([SEEDS, INPUTS])
    io.write_outputs(root / "in_memory", in_memory.events, in_memory.mentions, in_memory.articles)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "TEXT_BATCH", 2)
        streamed = pipeline.build_to_folder([SEEDS, INPUTS], root / "streamed")
    return in_memory, root / "in_memory", streamed, root / "streamed"


def test_streamed_folder_holds_the_same_tables(both_builds) -> None:
    in_memory, memory_dir, _, streamed_dir = both_builds
    assert in_memory.rejects and in_memory.processed > 10  # the comparison covers refusals and many articles
    for expected, got in zip(io.load_outputs(memory_dir), io.load_outputs(streamed_dir)):
        pd.testing.assert_frame_equal(got, expected)
    for name in (settings.EVENTS_CSV, settings.ARTICLES_CSV):
        assert (streamed_dir / name).read_bytes() == (memory_dir / name).read_bytes(), name


def test_streamed_articles_parquet_is_written_in_parts(both_builds) -> None:
    in_memory, _, _, streamed_dir = both_builds
    parquet = pq.ParquetFile(streamed_dir / settings.ARTICLES_PARQUET)
    kept = in_memory.processed
    assert parquet.metadata.num_rows == len(in_memory.articles)
    # Two texts per part, then one part with the rejected inputs' rows.
    assert parquet.metadata.num_row_groups == (kept + 1) // 2 + 1


def test_streamed_build_returns_counts_of_what_it_wrote(both_builds) -> None:
    in_memory, _, streamed, _ = both_builds
    events, articles = in_memory.events, in_memory.articles
    assert streamed == pipeline.BuildSummary(
        inputs=len(articles), processed=in_memory.processed,
        undated=int((articles[schema.STATUS] == schema.STATUS_UNDATED).sum()), rejects=in_memory.rejects,
        events=len(events), mentions=len(in_memory.mentions),
        event_types=events[schema.EVENT_TYPE].value_counts().to_dict(),
        date_precisions=events[schema.DATE_PRECISION].value_counts().to_dict())
    assert streamed.undated and streamed.events > 20  # the comparison covers undated articles and merges


def test_streamed_tables_are_written_in_merge_parts(tmp_path: Path) -> None:
    """A part size of one mention: the merge cuts between every pair of days no event spans."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "merge_in_parts", lambda ordered: merge_in_parts(ordered, part_size=1))
        pipeline.build_to_folder([SEEDS, INPUTS], tmp_path / "parts")
    pipeline.build_to_folder([SEEDS, INPUTS], tmp_path / "whole")
    for expected, got in zip(io.load_outputs(tmp_path / "whole"), io.load_outputs(tmp_path / "parts")):
        pd.testing.assert_frame_equal(got, expected)
    assert pq.ParquetFile(tmp_path / "parts" / settings.EVENTS_PARQUET).metadata.num_row_groups > 5
    assert (tmp_path / "parts" / settings.EVENTS_CSV).read_bytes() == (tmp_path / "whole" / settings.EVENTS_CSV).read_bytes()


def test_build_spool_gives_mentions_back_in_merge_order(tmp_path: Path) -> None:
    from datetime import date

    from data_prep.merge import merge_order
    from data_prep.models import Event

    def mention(mention_id: str, day: date | None) -> Event:
        return Event(mention_id=mention_id, article_id="a", source_file="a.txt", event_type="Battles",
                     sub_event_type="Armed clash", actor1=None, evidence="x", evidence_start=0, evidence_end=1,
                     event_date=day)

    added = [mention("m3", date(2023, 1, 2)), mention("z9", None), mention("m1", date(2023, 1, 1)),
             mention("a0", None), mention("m2", date(2023, 1, 2))]
    with io.BuildSpool(tmp_path) as spool:
        spool.add_mentions(added[:2])
        spool.add_mentions(added[2:])
        assert spool.mentions == 5
        back = list(spool.mentions_in_merge_order())
    assert [m.mention_id for m in back] == ["m1", "m3", "m2", "a0", "z9"]
    assert back == sorted(added, key=merge_order)  # the same order the in-memory merge sorts into
    assert list(tmp_path.iterdir()) == []  # the spool file is gone


def test_in_memory_texts_are_the_articles_texts(both_builds) -> None:
    in_memory, _, _, _ = both_builds
    articles, _ = io.read_articles([SEEDS, INPUTS])
    by_id = {a.article_id: a.text for a in articles}
    table = in_memory.articles
    kept = table[table[schema.STATUS] != schema.STATUS_REJECTED]
    assert kept[schema.TEXT].tolist() == [by_id[i] for i in kept[schema.ARTICLE_ID]]
    assert table.loc[table[schema.STATUS] == schema.STATUS_REJECTED, schema.TEXT].isna().all()


def test_build_from_articles_takes_any_iterable() -> None:
    articles = [
        Article("a1", "one.txt", "Israeli forces raided Jenin on Tuesday, killing two people.",
                published=pd.Timestamp("2023-01-26").date()),
        Article("a1", "copy.txt", "Israeli forces raided Jenin on Tuesday, killing two people."),
    ]
    result = pipeline.build_from_articles(iter(articles), [Reject("bad.txt", "empty file")])
    assert result.articles[schema.FILE].tolist() == ["one.txt", "bad.txt", "copy.txt"]
    assert result.articles[schema.TEXT].tolist()[0] == articles[0].text
    assert [r.reason for r in result.rejects] == ["empty file", "same text as an article already read (id a1)"]


def test_nothing_processed_writes_nothing(tmp_path: Path) -> None:
    result = pipeline.build_to_folder([INPUTS / "empty.txt", INPUTS / "binary.txt"], tmp_path / "out")
    assert result.processed == 0
    assert [(r.file, r.reason) for r in result.rejects] == [
        ("empty.txt", io.EMPTY_FILE), ("binary.txt", io.BINARY_FILE)]
    assert snapshot(tmp_path) == {}  # no table, no spool file left behind


def test_a_failing_part_leaves_the_previous_tables(tmp_path: Path) -> None:
    out = tmp_path / "out"
    pipeline.build_to_folder(SEEDS / "000_89c3fab89abc628c.txt", out)
    before = snapshot(out)
    built = pipeline.build_event_table(SEEDS)

    def parts():
        yield built.articles.iloc[:2]
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left on device"):
        io.write_outputs(out, built.events, built.mentions, parts())
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_part_with_an_unknown_column_writes_nothing(tmp_path: Path) -> None:
    built = pipeline.build_event_table(SEEDS)
    parts = [built.articles.iloc[:2], built.articles.iloc[2:].assign(surprise=1)]
    with pytest.raises(schema.SchemaError, match="unknown columns: surprise"):
        io.write_outputs(tmp_path / "out", built.events, built.mentions, iter(parts))
    assert snapshot(tmp_path) == {}


def test_no_parts_write_an_empty_articles_table(tmp_path: Path) -> None:
    io.write_outputs(tmp_path, schema.empty_events(), pd.DataFrame(columns=list(schema.MENTION_COLUMNS)), iter([]))
    assert visible(tmp_path) == sorted(TABLE_FILES)
    _, _, articles = io.load_outputs(tmp_path)
    assert articles.empty and tuple(articles.columns) == schema.ARTICLE_TEXT_COLUMNS


def test_build_spool_keeps_articles_in_order_with_their_event_counts(tmp_path: Path) -> None:
    from datetime import date

    with io.BuildSpool(tmp_path) as spool:
        assert spool.first_sight("a1") and spool.first_sight("a2") and spool.first_sight("a3")
        assert not spool.first_sight("a1")  # a second copy of the same text
        spool.add_article(Article("a2", "two.txt", "", published=date(2023, 1, 27)))
        spool.add_article(Article("a1", "one.txt", ""))
        spool.add_article(Article("a3", "three.txt", ""))
        spool.count_events({"a1": 2, "a3": 1})
        spool.count_events({"a1": 1})
        batches = [[(a.file, n) for a, n in batch] for batch in spool.articles(2)]
        assert (spool.articles_kept, spool.articles_undated) == (3, 2)
    assert batches == [[("two.txt", 0), ("one.txt", 3)], [("three.txt", 1)]]


def test_text_spool_gives_texts_back_in_order(tmp_path: Path) -> None:
    texts = ["Gaza — “quoted” İstanbul", "", "x" * 70_000, "last\nline", "emoji 🚀"]
    with io.TextSpool(tmp_path) as spool:
        for text in texts:
            spool.append(text)
        assert [len(b) for b in spool.batches(2)] == [2, 2, 1]
        assert [t for b in spool.batches(2) for t in b] == texts  # can be read again
        spool.append("after")
        assert [t for b in spool.batches(10) for t in b] == [*texts, "after"]
        assert list(tmp_path.iterdir()) == []  # anonymous: nothing to clean up by name
