"""The public API (``castcorpus.validate``, ``build``, ``score``, ``Corpus``, ``Issue``,
``Report``): cheap to import, and each name doing what the command line does."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import castcorpus
from build_helpers import HYDRATED, MINIMAL, copy_minimal

PREDICTIONS = MINIMAL.parent.parent / "predictions-invalid" / "missing-predictions" / "input.jsonl"


def test_importing_the_package_imports_nothing_else():
    code = "import sys, json, castcorpus; print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'castcorpus' or m in ('jsonschema', 'datasets', 'pyarrow', 'sklearn'))))"
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    assert loaded == ["castcorpus", "castcorpus.version"]


@pytest.mark.parametrize("name", castcorpus.__all__)
def test_every_public_name_resolves(name):
    assert getattr(castcorpus, name) is not None
    assert name in dir(castcorpus)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_thing"):
        castcorpus.no_such_thing  # noqa: B018


def test_validate_returns_a_report_of_issues(tmp_path):
    assert castcorpus.validate(MINIMAL, cache=HYDRATED).valid
    corpus = copy_minimal(tmp_path / "corpus")
    (corpus / "texts" / "alpha-shelling-report.txt").unlink()
    report = castcorpus.validate(corpus, cache=HYDRATED)
    assert isinstance(report, castcorpus.Report) and not report.valid
    assert castcorpus.Issue("documents/alpha-shelling-report.json", "", "text-missing",
                            "text file texts/alpha-shelling-report.txt is missing") in report.issues
    with pytest.raises(castcorpus.CorpusError):
        castcorpus.validate(tmp_path / "nowhere")


def test_a_validation_run_in_steps_equals_validate():
    run = castcorpus.ValidationRun.begin(MINIMAL, HYDRATED)
    run.check_documents(run.document_files())
    assert run.finish() == castcorpus.validate(MINIMAL, cache=HYDRATED)


def test_the_corpus_reads_eagerly_and_streaming():
    corpus = castcorpus.Corpus(MINIMAL, HYDRATED)
    eager = corpus.documents()
    assert [d.id for d in eager] == corpus.document_ids() and len(eager) > 1
    stream = corpus.iter_documents()
    assert next(stream) == eager[0]  # one document read, not all of them
    assert [eager[0], *stream] == eager


def test_build_then_score_as_the_command_line_does(tmp_path):
    out = tmp_path / "release"
    summary = castcorpus.build(MINIMAL, out, cache=HYDRATED)
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "## Baselines" in card  # the card's baselines hook is wired, as by `castcorpus build`
    assert summary.fingerprint[:16] in card.split("## Baselines", 1)[1]
    assert castcorpus.build(MINIMAL, out, cache=HYDRATED).up_to_date
    outcome = castcorpus.score(PREDICTIONS, config="sentences", split="train", release=out)
    # 10 and 3: the case's about.txt (10 train sentences, 7 predicted), counted by hand.
    assert outcome.valid and outcome.result["references"] == 10 and len(outcome.result["missing"]) == 3
    with pytest.raises(castcorpus.ReleaseError):
        castcorpus.score(PREDICTIONS, config="sentences", split="no-such-split", release=out)


def test_an_invalid_corpus_is_a_build_error_with_its_report(tmp_path):
    corpus = copy_minimal(tmp_path / "corpus")
    (corpus / "texts" / "alpha-shelling-report.txt").unlink()
    with pytest.raises(castcorpus.BuildError) as caught:
        castcorpus.build(corpus, tmp_path / "out", cache=HYDRATED)
    assert "text-missing" in {issue.code for issue in caught.value.report.issues}
    assert not (tmp_path / "out").exists()


def test_the_readme_library_examples_run(repo, tmp_path, monkeypatch, capsys):
    # Each example of README.md's "Using the library", in a folder whose corpus/ is the
    # minimal one (texts hydrated from the fixture) and whose preds.jsonl scores a split it has.
    import re
    import shutil

    readme = (repo / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Using the library", 1)[1].split("\n## ", 1)[0]
    examples = re.findall(r"```python\n(.+?)\n```", section, flags=re.S)
    assert len(examples) == 4
    copy_minimal(tmp_path / "corpus")
    shutil.copytree(HYDRATED, tmp_path / "cache")
    monkeypatch.setenv("CASTCORPUS_CACHE", str(tmp_path / "cache"))
    shutil.copy(PREDICTIONS, tmp_path / "preds.jsonl")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for example in examples:
        # The minimal corpus has no claims rows in its test split: score the sentences of train.
        example = example.replace('config="claims"', 'config="sentences"').replace('split="test"', 'split="train"')
        exec(compile(example, "README.md", "exec"), namespace)
    out = capsys.readouterr().out
    assert "alpha-shelling-report" in out and "claim" in out
