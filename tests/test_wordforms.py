"""Word forms for keyword experiments: compound splitting, the thesaurus reader, weighted analysis."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from indexer.index.keyword import KeywordIndex, analyze, build_keyword_index, words
from indexer.index.wordforms import Thesaurus, dictionary_words, split_compound, stem_word, weighted_terms

MYTHES_SV = Path("/usr/share/mythes/th_sv_SE_v2.dat")

WORDS = frozenset({"stat", "bidrag", "skol", "barn", "omsorg", "kommun", "styrelse", "yrke", "vux"})


def test_a_compound_splits_into_known_parts() -> None:
    assert split_compound("kommunbidrag", WORDS) == ["kommun", "bidrag"]
    assert split_compound("skolbarnomsorg", WORDS) == ["skol", "barn", "omsorg"]


def test_a_linking_s_is_dropped_from_a_non_final_part() -> None:
    assert split_compound("statsbidrag", WORDS) == ["stat", "bidrag"]
    assert split_compound("yrkesvux", WORDS, min_part=3) == ["yrke", "vux"]
    assert split_compound("statbidrags", WORDS) == []  # a final part has no linking s
    assert split_compound("bidragstat", WORDS) == ["bidrag", "stat"]


def test_fewer_linking_s_win_over_longer_parts() -> None:
    # Stems shorten parts unevenly ('styrelse' → 'styr'), so 'kommuns' + 'tyrelse' (a known word in
    # a large dictionary) has the longer shortest part; but that linking s is not there.
    def normalize(piece: str) -> str:
        return "styr" if piece == "styrelse" else piece

    assert split_compound("kommunstyrelse", WORDS | {"styr", "tyrelse"}, 4, normalize) == ["kommun", "styr"]


def test_words_that_are_no_compound_stay_whole() -> None:
    assert split_compound("bidrag", WORDS) == []  # a known word alone is no split
    assert split_compound("statsbidragx", WORDS) == []  # a leftover piece
    assert split_compound("", WORDS) == []


def test_min_part_counts_the_normalized_part() -> None:
    assert split_compound("vuxbarn", WORDS, min_part=3) == ["vux", "barn"]
    assert split_compound("vuxbarn", WORDS, min_part=4) == []


def test_stems_cover_inflection_and_dropped_vowels() -> None:
    vocabulary = {stem_word(w) for w in ("stat", "bidrag", "skola", "barn", "yrke", "vux")}
    assert split_compound("statsbidragen", vocabulary, 4, stem_word) == [stem_word("stat"), stem_word("bidrag")]
    assert split_compound("skolbarnen", vocabulary, 4, stem_word) == [stem_word("skola"), stem_word("barn")]
    assert split_compound("yrkesvux", vocabulary, 3, stem_word) == [stem_word("yrke"), "vux"]


def test_weighted_terms_without_more_count_what_analyze_indexes() -> None:
    text = "Kommunstyrelsen beslutade om statsbidrag och statsbidragen till skolan, och skolan."
    assert weighted_terms(words(text), lambda w: (), 0.5) == {k: float(v) for k, v in Counter(analyze(text)).items()}
    parts = weighted_terms(["statsbidrag", "statsbidrag"], lambda w: ["stat", "bidrag"], 0.5)
    assert parts == {stem_word("statsbidrag"): 2.0, "stat": 1.0, "bidrag": 1.0}


def test_term_weights_scale_scores_and_weighted_frequencies_index(tmp_path: Path) -> None:
    texts = ["statsbidrag till skolan", "bidrag till föreningen", "skolan får bidrag och bidrag"]
    build_keyword_index(texts, tmp_path / "plain")
    plain = KeywordIndex(tmp_path / "plain")
    docs, scores = plain.scores(["bidrag", "skol"])
    docs_w, scores_w = plain.scores(["bidrag", "skol", "okänd"], [0.5, 0.5, 3.0])
    assert np.array_equal(docs, docs_w) and np.allclose(scores_w, scores * 0.5)
    with pytest.raises(ValueError):
        plain.scores(["bidrag"], [1.0, 2.0])

    def parts(word: str) -> list[str]:
        return ["stat", "bidrag"] if word == "statsbidrag" else []

    build_keyword_index(texts, tmp_path / "parts", lambda t: weighted_terms(words(t), parts, 0.5))
    docs, _ = KeywordIndex(tmp_path / "parts").scores(["bidrag"])
    assert docs.tolist() == [0, 1, 2]  # the compound's document now holds its part
    assert plain.scores(["bidrag"])[0].tolist() == [1, 2]


DAT = """ISO-8859-1
abrupt|1
|plötslig|plötsligt|tvärt
abdikera|1
|avgå|avsäga sig tronen
Lexikon|2
(subst.)|ordbok
(subst.)|uppslagsverk|ordbok
tom|1
|gå till väga
"""


def test_thesaurus_reads_mythes_entries() -> None:
    thesaurus = Thesaurus.parse(DAT.splitlines()[1:])
    assert thesaurus.synonyms("abrupt") == ("plötslig", "plötsligt", "tvärt")
    assert thesaurus.synonyms("abdikera") == ("avgå",)  # multi-word synonyms left out
    assert thesaurus.synonyms("lexikon") == ("ordbok", "uppslagsverk")  # lower-cased, two senses merged
    assert thesaurus.synonyms("tom") == ()  # only multi-word synonyms: no entry
    assert thesaurus.synonyms("okänd") == ()
    assert thesaurus.by_stem(lambda w: w[:5])["abrup"] == ("plöts", "tvärt")


def test_thesaurus_load_uses_the_encoding_line(tmp_path: Path) -> None:
    path = tmp_path / "th.dat"
    path.write_bytes(DAT.encode("iso-8859-1"))
    assert Thesaurus.load(path).synonyms("abrupt")[0] == "plötslig"


def test_dictionary_words_drop_flags_and_hyphens(tmp_path: Path) -> None:
    path = tmp_path / "sv.dic"
    path.write_text("4\nbidrag/ABDfvY\nbidrags-/Y\nTV\n-/-06XY\n", encoding="utf-8")
    assert dictionary_words(path) == ["bidrag", "bidrags", "tv"]


@pytest.mark.skipif(not MYTHES_SV.exists(), reason="Debian package mythes-sv not installed")
def test_the_debian_swedish_thesaurus() -> None:
    thesaurus = Thesaurus.load(MYTHES_SV)
    assert len(thesaurus.entries) > 10_000
    assert "plötslig" in thesaurus.synonyms("abrupt")
    assert "subvention" in thesaurus.synonyms("bidrag")
