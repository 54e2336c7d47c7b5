"""The shipped syllable language model: it matches its sources and prefers real text."""
import csv
import importlib.util
from pathlib import Path

from normalizers import lm
from normalizers.syllables import inventory

DATA = Path(__file__).resolve().parents[2] / "normalizers" / "data"


def _build_script():
    spec = importlib.util.spec_from_file_location("build_lm", DATA / "build_lm.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_model_matches_its_sources_and_parameters():
    build = _build_script()
    train_files, held = build.split_documents()
    meta = lm.load_model().meta
    assert meta["sources_sha256"] == lm.sources_digest(build.CORPUS, train_files, build.PARAMS)
    assert meta["training_documents"] == len(train_files)


def test_held_out_list_is_what_the_script_holds_out():
    _, held = _build_script().split_documents()
    with open(DATA / "lm_heldout.tsv", encoding="utf-8") as f:
        listed = [row["file"] for row in csv.DictReader((l for l in f if not l.startswith("#")), delimiter="\t")]
    assert listed == held and len(held) >= 50


def test_model_files_are_small():
    assert (DATA / "syllable_lm.npz").stat().st_size < 5_000_000


def test_context_chooses_the_reading():
    model = lm.load_model()
    assert model.logprob(("ủy", "ban"), "nhân") > model.logprob(("ủy", "ban"), "nhận")
    assert model.logprob(("địa", "bàn"), "tỉnh") > model.logprob(("địa", "bàn"), "tánh")
    assert model.logprob(("ban",), "chỉ") > model.logprob(("ban",), "chá")
    assert model.logprob(("cải",), "cách") > model.logprob(("cài",), "cách")


def test_empty_history_is_a_run_start():
    model = lm.load_model()
    assert model.logprob((), "căn") == model.logprob((lm.BOS,), "căn")


def test_unseen_valid_syllable_gets_a_small_finite_probability():
    model = lm.load_model()
    rare = next(s for s in sorted(inventory()) if model.count(s) == 0)
    assert -30 < model.logprob(("của",), rare) < model.logprob(("của",), "các")


def test_probabilities_sum_to_one_after_a_history():
    model = lm.load_model()
    import math
    for history in [("ủy", "ban"), ("thực",), ()]:
        total = sum(math.exp(model.logprob(history, s)) for s in inventory())
        assert abs(total - 1.0) < 0.02, (history, total)


def test_runs_break_at_punctuation_numbers_and_abbreviations():
    runs = list(lm.syllable_runs("Kế hoạch số 42/KH-UBND ngày 06 tháng 01; Độc lập - Tự do"))
    assert runs == [["kế", "hoạch", "số"], ["ngày"], ["tháng"], ["độc", "lập", "tự", "do"]]


def test_training_on_a_tiny_corpus_gives_a_normalised_model():
    import math
    tables = lm.train([["ủy", "ban", "nhân", "dân"], ["ủy", "ban", "thường", "vụ"]], vocabulary_size=10)
    p = {w: math.exp(lp) for (h, w), lp in tables["bigram"].items() if h == "ban"}
    assert p["nhân"] == p["thường"]


def test_rebuilding_gives_the_shipped_files(tmp_path):
    """The committed model, counts and held-out list are exactly what build_lm.py writes."""
    import numpy as np

    _build_script().main(tmp_path)
    for name in ("syllable_counts.tsv", "lm_heldout.tsv"):
        assert (tmp_path / name).read_text(encoding="utf-8") == (DATA / name).read_text(encoding="utf-8"), name
    with np.load(tmp_path / "syllable_lm.npz") as built, np.load(DATA / "syllable_lm.npz") as shipped:
        assert sorted(built.files) == sorted(shipped.files)
        for name in built.files:
            assert np.array_equal(built[name], shipped[name]), name
