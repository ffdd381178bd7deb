"""DeBERTa-v2's disentangled attention over the window of relative positions in use: the same scores."""

from __future__ import annotations

import pytest
import torch
from transformers import AutoModelForSequenceClassification, DebertaV2Config, DebertaV2ForSequenceClassification

from bench.tiny_models import build_nli
from demo.engines.nli import NliClassifier
from demo.inference import InferenceWorker
from demo.models import ModelRef, detect_placement, load_model


def tiny_deberta(path, share_att_key: bool, buckets: int):
    """An mDeBERTa-shaped NLI classifier (relative attention, log buckets) small enough to build here,
    its weights large enough (initializer_range) that the position terms move the logits."""
    build_nli(path)  # its tokenizer
    labels = {0: "entailment", 1: "neutral", 2: "contradiction"}
    torch.manual_seed(5)
    config = DebertaV2Config(vocab_size=400, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                             intermediate_size=64, max_position_embeddings=128, relative_attention=True,
                             position_buckets=buckets, max_relative_positions=128, norm_rel_ebd="layer_norm",
                             share_att_key=share_att_key, pos_att_type=["p2c", "c2p"], position_biased_input=False,
                             type_vocab_size=0, initializer_range=0.5, id2label=labels,
                             label2id={n: i for i, n in labels.items()})
    DebertaV2ForSequenceClassification(config).save_pretrained(path)
    return path


@pytest.mark.parametrize("share_att_key, buckets", [(True, 16), (False, 16), (True, 256)])
def test_the_windowed_attention_gives_the_models_own_scores(tmp_path, share_att_key, buckets):
    path = tiny_deberta(tmp_path / "deberta", share_att_key, buckets)
    loaded = load_model(ModelRef(str(path)), AutoModelForSequenceClassification, detect_placement())
    original = AutoModelForSequenceClassification.from_pretrained(path).eval()
    patched_layers = [m for m in loaded.model.modules() if "disentangled_attention_bias" in vars(m)]
    assert len(patched_layers) == 2
    assert not any("disentangled_attention_bias" in vars(m) for m in original.modules())

    torch.manual_seed(0)
    for lengths in ([5], [24, 9, 17], [100, 3]):  # 100 tokens: beyond 16 buckets, positions fall in log buckets
        ids = [torch.randint(5, 400, (n,)).tolist() for n in lengths]
        inputs = loaded.padded(ids)
        with torch.inference_mode():
            ours, theirs = loaded.model(**inputs).logits, original(**inputs).logits
        assert torch.allclose(ours, theirs, atol=1e-5), (lengths, (ours - theirs).abs().max())


def test_zero_shot_on_a_deberta_checkpoint_answers_as_before(tmp_path):
    path = tiny_deberta(tmp_path / "deberta", True, 256)
    worker = InferenceWorker()
    loaded = load_model(ModelRef(str(path)), AutoModelForSequenceClassification, detect_placement(), run=worker.call)
    engine = NliClassifier(loaded, worker)
    labels = ["sports", "business", "politics"]
    ours = engine.classify("the team won the match", labels, False, "This text is about {}.").scores
    engine.loaded.model = AutoModelForSequenceClassification.from_pretrained(path).eval()
    theirs = engine.classify("the team won the match", labels, False, "This text is about {}.").scores
    assert ours.keys() == theirs.keys()
    assert all(abs(ours[label] - theirs[label]) < 1e-5 for label in labels), (ours, theirs)
