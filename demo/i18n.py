"""The page in English and Simplified Chinese.

Three kinds of text, one table of Chinese per kind:
- what the components show (labels, buttons, tab names, summaries, "How it works"): translated in
  the browser by Gradio's own `gr.I18n`, keyed by the English text (`ui_text`);
- what the page's answers say (verdict words, legends, the line on what the numbers mean): the
  server writes them in the page's language, set for the request in `UI_LANGUAGE` (`say`);
- messages and status lines built with numbers and names (`translate`), matched by pattern.
The API speaks English whatever the page's language; only the page is translated.
"""

from __future__ import annotations

import hashlib
import re
from contextvars import ContextVar

import gradio as gr
from gradio.i18n import I18nData

UI_LANGUAGE: ContextVar[str] = ContextVar("ui_language", default="en")  # the page's language, per request
LOCALES = {"en": "English", "zh-CN": "中文"}


def is_chinese(locale: str | None) -> bool:
    return bool(locale) and str(locale).lower().startswith("zh")


# Component texts, English -> Chinese. Long texts (summaries, "How it works") are in ZH_LONG below.
ZH_UI = {
    "Sentiment": "情感分析",
    "Fill mask": "完形填空",
    "Next sentence": "下一句预测",
    "Generate": "文本生成",
    "Run": "运行",
    "Stop": "停止",
    "Settings": "设置",
    "Examples": "示例",
    "Share a link": "分享链接",
    "Make a link to this tab with these inputs": "用当前输入生成本页链接",
    "Link (it holds the inputs and settings, the seed included)": "链接（包含输入和设置，也包含随机种子）",
    "How it works": "原理",
    "Text": "文本",
    "Type a review, a tweet, a sentence…": "输入一条评论、一句话……",
    "Text with [MASK]": "含 [MASK] 的文本",
    "The capital of France is [MASK].": "中国的首都是北[MASK]。",
    "Candidates per mask (top k)": "每个空的候选数（top k）",
    "Sentence A": "句子 A",
    "Sentence B": "句子 B",
    "Prompt": "提示词",
    "Once upon a time,": "很久很久以前，",
    "Max new tokens": "最多生成的词元数",
    "Temperature (0 = greedy)": "温度（0 = 贪心）",
    "Top p": "Top p",
    "Top k (0 = off)": "Top k（0 = 关闭）",
    "Repetition penalty": "重复惩罚",
    "Seed": "随机种子",
    "Which words pushed the answer": "哪些词推动了答案",
    "Which words pushed the answer (A, then B)": "哪些词推动了答案（先 A 后 B）",
    "Token probabilities": "词元概率",
    "Perplexity": "困惑度",
    "Explain: which words mattered": "解释：哪些词起了作用",
    "Compare: trained classifier vs zero-shot LLM": "对比：训练过的分类器 vs 零样本大模型",
    "Compare: each blank on its own vs one after another": "对比：各空单独填 vs 依次填",
    "Compare: BERT's own head vs zero-shot LLM": "对比：BERT 自带的预测头 vs 零样本大模型",
    "Score the prompt: how expected is each token?": "给提示词打分：每个词元有多出人意料？",
    "Language": "语言",
    "Scorecard: a labelled set through the classic checkpoint and the zero-shot LLM, and batch CSV":
        "评分卡：用带标注的数据集对比经典模型和零样本大模型，以及批量 CSV",
    "Task": "任务",
    "Labelled set": "带标注的数据集",
    "Built-in set": "内置数据集",
    "My CSV": "我的 CSV",
    "Your CSV (used with \"My CSV\")": "你的 CSV（选择“我的 CSV”时使用）",
    "Accuracy so far (%)": "目前的准确率（%）",
    "Per side": "每一方",
    "Confusion: one row per side and true label, one column per answer": "混淆矩阵：每行是一方和真实标签，每列是回答",
    "Items each side got wrong": "每一方答错的条目",
    "Scored CSV": "评分后的 CSV",
    "Batch: a CSV of inputs in, the answers out (every task)": "批量：输入一个 CSV，输出答案（所有任务）",
    "Your CSV": "你的 CSV",
    "Answers (first 50 rows)": "答案（前 50 行）",
    "All answers, as CSV": "全部答案（CSV）",
    "Zero-training NLP showcase": "零训练 NLP 演示",
}

ZH_LONG = {
    "Is a text positive or negative? DistilBERT, fine-tuned on movie reviews (SST-2), returns both classes' "
    "probabilities.":
        "一段文字是正面还是负面？英文由在影评（SST-2）上微调过的 DistilBERT 判断，中文由在中文评论上微调过的"
        "二郎神 RoBERTa 判断，两类的概率都会给出。",
    "Is a text positive or negative? Gemma 3 270M, never trained for it, compares how likely it finds the words "
    "*positive* and *negative* after the text.":
        "一段文字是正面还是负面？从未为此训练过的 Gemma 3 270M 来判断：中文评论看它接在“以下是一条好评：”之后"
        "还是“以下是一条差评：”之后更可能出现；英文比较文字之后接 *positive* 和 *negative* 的可能性。",
    "Hide a word behind [MASK] and BERT proposes the words that fit, with probabilities.":
        "用 [MASK] 遮住一个词（中文里一个 [MASK] 是一个字），BERT 给出合适的词和它们的概率。",
    "Hide a word behind [MASK]: Gemma 3 270M proposes words for the blank and ranks them by how likely the whole "
    "sentence becomes with each.":
        "用 [MASK] 遮住一个词（中文里一个 [MASK] 是一个字）：Gemma 3 270M 为空白提出候选，并按填入后整句的"
        "可能性排序。",
    "Does sentence B follow sentence A? BERT's own pretraining head answers.":
        "句子 B 是否紧接在句子 A 之后？由 BERT 预训练时自带的预测头回答。",
    "Does sentence B follow sentence A? Gemma 3 270M measures how much more likely B becomes once A has been read.":
        "句子 B 是否紧接在句子 A 之后？Gemma 3 270M 衡量读过 A 之后 B 变得可能了多少。",
    "Give a prompt and GPT-2 continues it, streamed token by token.":
        "给出一段提示词，模型逐个词元地续写（英文用 GPT-2，中文用 Qwen2.5 0.5B）。",
    "Give a prompt and Gemma 3 270M continues it, streamed token by token.":
        "给出一段提示词，Gemma 3 270M 逐个词元地续写。",
}

HOW_ZH = {
    "sentiment": r"""
编码器一次读入整段文字。每一层用**缩放点积注意力**混合各个词，让每个词的向量从与它相关的词中更新：

$$\mathrm{Attention}(Q,K,V)=\mathrm{softmax}\!\left(\frac{QK^\top}{\sqrt{d_k}}\right)V$$

第一个词元 `[CLS]` 的向量概括整段文字，一个线性层把它变成类别概率：
$p(y\mid x)=\mathrm{softmax}(W\,h_{[\mathrm{CLS}]}+b)$。英文用在 SST-2 影评上微调的 DistilBERT，中文用在中文评论上
微调的二郎神 RoBERTa；嵌入式配置则不做任何训练，直接问语言模型评论后面更可能接哪个词。
""",
    "sentiment.embedded": r"""
语言模型在预训练时只玩一个游戏：预测下一个词元。它给每段文字一个概率，所以可以反过来问：你的评论接在
“以下是一条好评：”之后更可能，还是接在“以下是一条差评：”之后更可能？（**噪声信道提示**，Min et al. 2022）
评论的每个词元都是证据，按词元平均：

$$m(x)=\frac{1}{|x|}\left(\log p\left(x \mid \text{好评}\right)-\log p\left(x \mid \text{差评}\right)\right),\qquad
p(\text{正面})=\sigma\!\left(\frac{m(x)-\theta}{s}\right)$$

阈值 $\theta$ 和尺度 $s$ 在启动时由本应用自己写的八条校准评论测出（正面和负面各四条）。英文评论则用四条示例
加 `Sentiment:` 的提示，比较下一个词是 *positive* 还是 *negative*，并做上下文校准（Zhao et al. 2021）。
示例和校准评论都是为本应用写的，没有取自任何评测集。
""",
    "fill_mask": r"""
BERT 的预训练方法是遮住训练文本中 15% 的词，再从句子**两侧**把它们猜回来。它最小化的**掩码语言模型损失**是
每个被遮住的词 $x_i$ 在可见词 $x_{\setminus M}$ 下的负对数似然：

$$\mathcal{L}_{\mathrm{MLM}}=-\sum_{i\in M}\log p\left(x_i \mid x_{\setminus M}\right)$$

所以填空正是它学会的事情。中文 BERT 按字切分，一个 `[MASK]` 就是一个字，连续几个 `[MASK]` 组成一个词。
""",
    "fill_mask.embedded": r"""
从左到右的模型只看得到空白之前的词。所以应用先用一个展示整句的填空提示词问它哪些词合适，再加上它在左侧上下文
之后最期待的词；然后按填入候选词 $w$ 之后整句的对数似然给每个候选打分：

$$\mathrm{score}(w)=\sum_{t}\log p\left(x_t \mid x_{<t}\right)$$

显示的分数在候选之间归一化（softmax），只比较找到的候选。中文里一个 `[MASK]` 是一个字：分词器常把“北京”
写成一个词元，所以应用也会从“北”之前的位置找以“北”开头的词元，取它的下一个字。
""",
    "next_sentence": r"""
除了填空，BERT 预训练时还玩第二个游戏：给两句话，B 是书中真正接在 A 后面的那句（**IsNext**），还是随机的一句
（**NotNext**）？`[CLS]` 向量上的一个小预测头回答这个问题，用 **NSP 损失**训练：

$$\mathcal{L}_{\mathrm{NSP}}=-\log p\left(y \mid h_{[\mathrm{CLS}]}\right),\qquad y\in\{\text{IsNext},\text{NotNext}\}$$

中文 BERT 同样带有这个预测头。嵌入式配置用语言模型的点互信息衡量同一件事：$\mathrm{PMI}=\log p(B\mid A)-\log p(B)$。
""",
    "next_sentence.embedded": r"""
语言模型给每段文字一个概率。如果 B 真的接在 A 后面，先读 A 会让 B 更可预期。按 B 的词元平均的**点互信息**
衡量了预期增加了多少：

$$\mathrm{PMI}(A,B)=\frac{1}{|B|}\left(\log p(B\mid A)-\log p(B)\right),\qquad
p(\text{IsNext})=\sigma\!\left(\frac{\mathrm{PMI}-\theta}{s}\right)$$

流畅的模型会觉得大多数句子接在任何文字后面都更可能一点，所以阈值 $\theta$ 和尺度 $s$ 在启动时由八对内置句子
（连贯的和打乱的）测出；中文句子用中文的八对。
""",
    "generate": r"""
从左到右的语言模型在预训练时只玩一个游戏：预测下一个词元。它把一段文字的概率写成下一个词元概率的乘积
（**自回归解码**）：

$$p(x_1,\dots,x_T)=\prod_{t=1}^{T}p\left(x_t \mid x_{<t}\right),\qquad
p(x_t\mid x_{<t})=\mathrm{softmax}\!\left(\frac{z_t}{\tau}\right)$$

写作时，它抽样一个词元、接上去、再重复。温度 $\tau$ 让分布更尖（$\tau<1$）或更平（$\tau>1$），`top_k` 和
`top_p` 只保留最可能的词元，重复惩罚避免打转，固定的随机种子让抽样可以复现。温度为 0 时总是取最可能的词元。
""",
}

# What the page's answers say, English -> Chinese (`say`). "{name}" fields are filled after translation.
ZH_SAY = {
    "Positive": "正面",
    "Negative": "负面",
    "Unsure": "不确定",
    "leaning toward {label}, {points} points apart": "偏向{label}，相差 {points} 个百分点",
    "B follows A": "B 接在 A 之后",
    "IsNext": "IsNext（是下一句）",
    "NotNext": "NotNext（不是下一句）",
    "B does not follow A": "B 不接在 A 之后",
    "Classic checkpoint": "经典模型",
    "Zero-shot LLM": "零样本大模型",
    "They agree.": "两者一致。",
    "They disagree.": "两者不一致。",
    "{count} more under 1%": "另有 {count} 个低于 1%",
}

# Messages and status lines with numbers or names in them: (English pattern, Chinese template).
ZH_PATTERNS = [
    (r"(.+) is empty: please type some text\.", "{0}为空：请输入文字。"),
    (r"(.+) is missing: please type some text\.", "缺少{0}：请输入文字。"),
    (r"No mask found\. Write \[MASK\] where the missing word goes, e\.g\. 'The capital of France is \[MASK\]\.'",
     "没有找到 [MASK]。请在缺字的位置写 [MASK]，例如“中国的首都是北[MASK]。”（一个 [MASK] 是一个字）。"),
    (r"The mask is written with full-width brackets \((.+)\)\. Write it with ASCII brackets: \[MASK\]\.",
     "遮罩用了全角括号（{0}）。请用半角括号写成 [MASK]。"),
    (r"The text has (\d+) masks; at most (\d+) can be filled at once\.", "文本中有 {0} 个 [MASK]，一次最多填 {1} 个。"),
    (r"Answered by \*\*(.+?)\*\*(?: on (\w+))? in ([\d.]+) s(.*?)\.(?: Chinese text: (\d+) Chinese characters?, "
     r"(\d+) Latin-script words?\.)?$", None),  # handled by `_answered_zh`
    (r"\*\*Model ready\.\*\*", "**模型已就绪。**"),
    (r"\*\*Loading the model\*\* \(once, (\d+%)\): (.*)", "**正在加载模型**（只需一次，{0}）：{1}"),
    (r"\*\*The model could not be loaded:\*\* (.*)", "**模型无法加载：**{0}"),
    (r"\*\*Waiting to load\*\* \(models load one at a time, in tab order\)\.", "**等待加载**（模型按标签页顺序逐个加载）。"),
    (r"The model loads on this tab's first request\.", "模型会在本页第一次请求时加载。"),
    (r"\*\*Stopped\*\* after (.+?) s; the text so far is kept\.", "**已停止**：{0} 秒，已生成的文字保留。"),
    (r"Generating…", "生成中……"),
    (r"Not answered", "未回答"),
    (r"<details><summary>Details</summary>", "<details><summary>详情</summary>"),
    (r"Answers come from \*\*(.+?)\*\*(?: on (\w+))?\.", "由 **{0}** 回答。"),
    (r"English text is answered by \*\*(.+?)\*\*, Chinese text by \*\*(.+?)\*\*(?: on (\w+))?\.",
     "英文文本由 **{0}** 回答，中文文本由 **{1}** 回答。"),
]
FIELD_NAMES_ZH = {"Text": "文本", "Sentence A": "句子 A", "Sentence B": "句子 B", "Prompt": "提示词"}


def _key(text: str) -> str:
    """A translation key without dots or spaces (Gradio's i18n reads dots as nesting)."""
    return "t" + hashlib.sha1(text.encode()).hexdigest()[:12]


def _english_and_chinese() -> tuple[dict[str, str], dict[str, str]]:
    pairs = {**ZH_UI, **ZH_LONG}
    return {_key(en): en for en in pairs}, {_key(en): zh for en, zh in pairs.items()}


_EN, _ZH = _english_and_chinese()
I18N = gr.I18n(en=_EN, **{"zh-CN": _ZH, "zh": _ZH})


def ui_text(english: str):
    """A component's text, shown in the browser's (or the switch's) language."""
    return I18N(_key(english)) if _key(english) in _EN else english


def english_labels(info):
    """`info` (Gradio's API description) with each translation key replaced by its English text."""
    if isinstance(info, I18nData):
        return _EN.get(info.key, info.key)
    if isinstance(info, dict):
        return {name: english_labels(value) for name, value in info.items()}
    if isinstance(info, list):
        return [english_labels(item) for item in info]
    return info


def both_languages(label) -> str:
    """A component's label in both languages, for the places Gradio does not translate (the header
    of an examples table)."""
    if isinstance(label, I18nData):
        return f"{_EN[label.key]} · {_ZH[label.key]}"
    return str(label or "")


def ui_pair(english: str, chinese: str):
    """A component's text made at build time (it names the models of this start), in both languages."""
    key = _key(english)
    _EN[key], _ZH[key] = english, chinese
    return I18N(key)


def how_it_works(task_key: str, english: str, embedded: bool):
    """The "How it works" text of a tab in both languages."""
    chinese = HOW_ZH.get(f"{task_key}.embedded" if embedded else task_key)
    return english if chinese is None else ui_pair(english, chinese)


def say(english: str, chinese: str | None = None, **fields) -> str:
    """A phrase of an answer in the page's language (`UI_LANGUAGE`): `chinese` when given, else the
    shared table's, else English. `fields` fill the "{name}" places after translation."""
    text = english
    if is_chinese(UI_LANGUAGE.get()):
        text = chinese or ZH_SAY.get(english, english)
    return text.format(**fields) if fields else text


def translate(message, locale: str | None = None):
    """A message or status line in the page's language: each line matched against known patterns;
    a line that matches none stays English (model names, file names and numbers stay as they are)."""
    if not isinstance(message, str) or not is_chinese(locale or UI_LANGUAGE.get()):
        return message  # an update that leaves the line as it is passes through
    return "\n".join(_translate_line(line) for line in message.split("\n"))


def _translate_line(line: str) -> str:
    for pattern, template in ZH_PATTERNS:
        match = re.fullmatch(pattern, line.strip())
        if match is None:
            continue
        if template is None:
            return _answered_zh(match)
        return template.format(*(FIELD_NAMES_ZH.get(group, group) for group in match.groups()))
    return line


def _answered_zh(match: re.Match) -> str:
    model, device, seconds, extra, han, words = match.groups()
    where = f"在 {device} 上" if device else ""
    extra = re.sub(r" \(including ([\d.]+) s of one-time model loading\)", r"（含 \1 秒一次性模型加载）", extra or "")
    extra = re.sub(r"; first text after ([\d.]+) s", r"；\1 秒后出现第一段文字", extra)
    why = f" 中文文本：{han} 个汉字，{words} 个拉丁字母单词。" if han else ""
    return f"由 **{model}** {where}回答，用时 {seconds} 秒{extra}。{why}"
