"""The hub profile at its real sizes: each preset's architecture and shape (its public configuration)
with random weights, built locally since the hub is out of reach. Speed and memory depend on the
shape, not on the weights' values; the answers are random, so only time and memory are measured.

    DistilBERT base (66M), BERT base (110M), GPT-2 (124M), BERT-base Chinese (102M), Erlangshen
    RoBERTa 330M (a BERT-large shape), Qwen2.5-0.5B (494M), mDeBERTa-v3 base (278M).
"""

from __future__ import annotations

from pathlib import Path

import torch
from transformers import (AutoTokenizer, BertConfig, BertForPreTraining, BertForSequenceClassification,
                          DebertaV2Config, DebertaV2ForSequenceClassification, Qwen2Config, Qwen2ForCausalLM)

from bench.tiny_models import build_all, build_chinese_bert, build_gpt2, build_nli, CHINESE_CORPUS

CHINESE_BERT = {"vocab_size": 21128, "hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12,
                "intermediate_size": 3072, "max_position_embeddings": 512}
ROBERTA_330M = {"vocab_size": 21128, "hidden_size": 1024, "num_hidden_layers": 24, "num_attention_heads": 16,
                "intermediate_size": 4096, "max_position_embeddings": 512}
QWEN_05B = {"vocab_size": 151936, "hidden_size": 896, "intermediate_size": 4864, "num_hidden_layers": 24,
            "num_attention_heads": 14, "num_key_value_heads": 2, "max_position_embeddings": 32768,
            "rope_theta": 1_000_000.0, "tie_word_embeddings": True}
MDEBERTA_BASE = {"vocab_size": 251000, "hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12,
                 "intermediate_size": 3072, "max_position_embeddings": 512, "relative_attention": True,
                 "position_buckets": 256, "norm_rel_ebd": "layer_norm", "share_att_key": True,
                 "pos_att_type": ["p2c", "c2p"], "position_biased_input": False, "type_vocab_size": 0,
                 "max_relative_positions": -1}


def _with_tokenizer_of(source: Path, path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    AutoTokenizer.from_pretrained(source).save_pretrained(path)


def build_hub_profile(root: Path) -> dict[str, Path]:
    """Every task's preset, English and Chinese, at its real size: `--model TASK[.zh]=PATH` for each."""
    english = build_all(root / "en", size="base")
    small_chinese = build_chinese_bert(root / "zh-vocab", max_positions=512)

    chinese_bert = root / "bert-base-chinese"
    _with_tokenizer_of(small_chinese, chinese_bert)
    torch.manual_seed(10)
    BertForPreTraining(BertConfig(**CHINESE_BERT)).save_pretrained(chinese_bert)

    roberta = root / "erlangshen-roberta-330m"
    _with_tokenizer_of(small_chinese, roberta)
    torch.manual_seed(11)
    BertForSequenceClassification(BertConfig(**ROBERTA_330M, id2label={0: "Negative", 1: "Positive"},
                                             label2id={"Negative": 0, "Positive": 1})).save_pretrained(roberta)

    qwen = root / "qwen2.5-0.5b"
    _with_tokenizer_of(build_gpt2(root / "zh-bpe", corpus=CHINESE_CORPUS), qwen)
    torch.manual_seed(12)
    Qwen2ForCausalLM(Qwen2Config(**QWEN_05B, bos_token_id=0, eos_token_id=0)).save_pretrained(qwen)

    nli = root / "mdeberta-v3-base"
    _with_tokenizer_of(build_nli(root / "nli-vocab", max_positions=512), nli)
    torch.manual_seed(13)
    labels = {0: "entailment", 1: "neutral", 2: "contradiction"}
    DebertaV2ForSequenceClassification(DebertaV2Config(**MDEBERTA_BASE, id2label=labels, label2id={
        name: i for i, name in labels.items()})).save_pretrained(nli)

    return english | {"classify": nli, "sentiment.zh": roberta, "fill_mask.zh": chinese_bert,
                      "next_sentence.zh": chinese_bert, "generate.zh": qwen, "classify.zh": nli}
