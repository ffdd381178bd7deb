"""Tiny random checkpoints built locally, so tests exercise real transformers code with no download."""

from __future__ import annotations

from pathlib import Path

import torch
from tokenizers import Tokenizer, models, pre_tokenizers, decoders, trainers
from transformers import (
    BertConfig,
    BertForPreTraining,
    BertForSequenceClassification,
    AutoTokenizer,
    BertTokenizer,
    DistilBertConfig,
    DistilBertForSequenceClassification,
    GPT2Config,
    GPT2LMHeadModel,
    PreTrainedTokenizerFast,
    Qwen2Config,
    Qwen2ForCausalLM,
)

WORDS = """the a an of to and in is was it this that for on with as at by from be are were
movie film great terrible good bad awful wonderful love hate boring fun not very really best worst
capital france paris dog cat barked mailman sky blue weather rain sun day night went store bought
milk bread i you he she we they my your his her our their what where when how why who
sat mat ran park ate food happy sad quick brown fox jumps over lazy once upon time there lived king""".split()

CORPUS = [
    "The quick brown fox jumps over the lazy dog.",
    "Once upon a time there lived a king.",
    "The movie was great and the film was fun.",
    "I went to the store and bought milk and bread.",
    "The capital of France is Paris.",
] * 20


CHINESE_CORPUS = [
    "中国的首都是北京。",
    "今天天气很好，我们去公园散步。",
    "这家酒店的服务很好，房间也很干净。",
    "从前有一座山，山上有一座庙。",
    "他每天早上喝一杯咖啡。",
] * 20
CHINESE_CHARS = sorted({char for line in CHINESE_CORPUS for char in line} | set("北京上海好坏我你他她它们的了是不很"))

BASE = {"bert": {"vocab_size": 30522, "hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12,
                 "intermediate_size": 3072},
        "distilbert": {"vocab_size": 30522, "dim": 768, "n_layers": 6, "n_heads": 12, "hidden_dim": 3072}}


def build_bert(path: Path, max_positions: int = 64, size: str = "tiny") -> Path:
    """A BertForPreTraining (MLM and NSP heads) with a WordPiece tokenizer; size "base" = BERT-base's shape."""
    path.mkdir(parents=True, exist_ok=True)
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", ",", "!", "?", "'"]
    vocab = list(dict.fromkeys([*specials, *WORDS, "##s", "##ed", "##ing"]))
    tokenizer = BertTokenizer(vocab={word: i for i, word in enumerate(vocab)}, model_max_length=max_positions)
    tokenizer.save_pretrained(path)
    torch.manual_seed(0)
    shape = BASE["bert"] if size == "base" else {"vocab_size": len(vocab), "hidden_size": 32, "num_hidden_layers": 2,
                                                 "num_attention_heads": 2, "intermediate_size": 64}
    config = BertConfig(max_position_embeddings=max_positions, **shape)
    BertForPreTraining(config).save_pretrained(path)
    return path


def build_distilbert_classifier(path: Path, max_positions: int = 64, size: str = "tiny") -> Path:
    """A DistilBERT sentiment classifier with the SST-2 label names; size "base" = DistilBERT-base's shape."""
    tokenizer = AutoTokenizer.from_pretrained(build_bert(path / "bert", max_positions))  # its tokenizer only
    tokenizer.save_pretrained(path)
    torch.manual_seed(1)
    shape = BASE["distilbert"] if size == "base" else {"vocab_size": tokenizer.vocab_size, "dim": 32, "n_layers": 2,
                                                       "n_heads": 2, "hidden_dim": 64}
    config = DistilBertConfig(max_position_embeddings=max_positions, **shape,
                              id2label={0: "NEGATIVE", 1: "POSITIVE"}, label2id={"NEGATIVE": 0, "POSITIVE": 1})
    DistilBertForSequenceClassification(config).save_pretrained(path)
    return path


def build_gpt2(path: Path, max_positions: int = 1024, size: str = "tiny", corpus: list[str] = CORPUS,
               seed: int = 2) -> Path:
    """A GPT-2 with a byte-level BPE tokenizer trained on a few sentences; size "base" = GPT-2's 124M shape."""
    path.mkdir(parents=True, exist_ok=True)
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=["<|endoftext|>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    bpe.train_from_iterator(corpus, trainer)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe, bos_token="<|endoftext|>",
                                        eos_token="<|endoftext|>", model_max_length=max_positions)
    tokenizer.save_pretrained(path)
    torch.manual_seed(seed)
    shape = ({"vocab_size": 50257, "n_embd": 768, "n_layer": 12, "n_head": 12} if size == "base"
             else {"vocab_size": bpe.get_vocab_size(), "n_embd": 32, "n_layer": 2, "n_head": 2})
    config = GPT2Config(n_positions=max_positions, bos_token_id=0, eos_token_id=0, **shape)
    GPT2LMHeadModel(config).save_pretrained(path)
    return path


def build_chinese_bert(path: Path, max_positions: int = 64) -> Path:
    """A BertForPreTraining whose vocabulary is single Chinese characters, as bert-base-chinese's is."""
    path.mkdir(parents=True, exist_ok=True)
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "。", "，", "！", "？"]
    vocab = list(dict.fromkeys([*specials, *CHINESE_CHARS, *WORDS[:20]]))
    BertTokenizer(vocab={word: i for i, word in enumerate(vocab)}, model_max_length=max_positions,
                  tokenize_chinese_chars=True).save_pretrained(path)
    torch.manual_seed(3)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=max_positions)
    BertForPreTraining(config).save_pretrained(path)
    return path


def build_chinese_classifier(path: Path, max_positions: int = 64) -> Path:
    """A BERT sentiment classifier on Chinese characters, labelled Negative/Positive as Erlangshen's is."""
    tokenizer = AutoTokenizer.from_pretrained(build_chinese_bert(path / "bert", max_positions))
    tokenizer.save_pretrained(path)
    torch.manual_seed(4)
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=max_positions,
                        id2label={0: "Negative", 1: "Positive"}, label2id={"Negative": 0, "Positive": 1})
    BertForSequenceClassification(config).save_pretrained(path)
    return path


def build_chinese_qwen(path: Path, max_positions: int = 1024) -> Path:
    """A Qwen2 causal LM (the class of the Chinese generation preset, tied embeddings as in
    Qwen2.5-0.5B) on a byte-level BPE trained on Chinese sentences."""
    tokenizer = AutoTokenizer.from_pretrained(build_gpt2(path / "bpe", max_positions, corpus=CHINESE_CORPUS))
    tokenizer.save_pretrained(path)
    torch.manual_seed(5)
    config = Qwen2Config(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=max_positions,
                         tie_word_embeddings=True, bos_token_id=0, eos_token_id=0)
    Qwen2ForCausalLM(config).save_pretrained(path)
    return path


def build_nli(path: Path, max_positions: int = 128) -> Path:
    """A BERT NLI classifier (entailment / neutral / contradiction, as MNLI checkpoints name them) whose
    vocabulary has English words and Chinese characters: the classify task's classic engine."""
    path.mkdir(parents=True, exist_ok=True)
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", ",", "!", "?", "'", "，", "。"]
    vocab = list(dict.fromkeys([*specials, *WORDS, *CHINESE_CHARS, "##s", "##ed", "##ing"]))
    BertTokenizer(vocab={word: i for i, word in enumerate(vocab)}, model_max_length=max_positions).save_pretrained(path)
    torch.manual_seed(3)
    labels = {0: "entailment", 1: "neutral", 2: "contradiction"}
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=max_positions, id2label=labels,
                        label2id={name: i for i, name in labels.items()})
    BertForSequenceClassification(config).save_pretrained(path)
    return path


def build_chinese(root: Path) -> dict[str, Path]:
    """The Chinese models, one folder per task, as `--model TASK.zh=PATH` takes them."""
    bert = build_chinese_bert(root / "bert-chinese")
    return {
        "sentiment.zh": build_chinese_classifier(root / "classifier-chinese"),
        "fill_mask.zh": bert,
        "next_sentence.zh": bert,
        "generate.zh": build_chinese_qwen(root / "qwen-chinese"),
        "classify.zh": build_nli(root / "nli"),  # the multilingual NLI checkpoint serves both languages
    }


def build_all(root: Path, size: str = "tiny") -> dict[str, Path]:
    """One folder per task, as `--model TASK=PATH` takes them ("base": the classic checkpoints' sizes)."""
    positions = 512 if size == "base" else 64
    bert = build_bert(root / "bert", positions, size)
    return {
        "sentiment": build_distilbert_classifier(root / "distilbert", positions, size),
        "fill_mask": bert,
        "next_sentence": bert,
        "generate": build_gpt2(root / "gpt2", size=size),
        "classify": build_nli(root / "nli"),
    }
