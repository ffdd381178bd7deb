"""Your own labels (classify) in Chinese: its summaries, How it works, messages and what its bars mean.

Keyed by the English text each module writes; see `demo.i18n.zh_cn`."""

TEXTS = {
    # demo.tasks.classify
    "Template": "模板",
    "Classify": "自定义分类",
    ("Sort a text into your own labels, with no training: a multilingual NLI model "
     "(mDeBERTa-v3) checks whether the text entails \"This text is about *label*.\""):
        "用你自己的标签给文字分类，无需训练：多语言自然语言推理模型（mDeBERTa-v3）判断文字是否蕴含"
        "“这段文字的主题是*标签*。”",
    ("Sort a text into your own labels, with no training: Gemma 3 270M scores how likely each "
     "label is as the text's category, calibrated on empty and ordinary texts."): "用你自己的标签给文字分类，无需训练：Gemma 3 270M 比较每个标签接在文字后面的可能性，并用空文本校准。",
    r"""
Natural-language inference asks whether a premise **entails** a hypothesis. A model trained on it
(here mDeBERTa-v3, trained on 2.7 million NLI pairs in 27 languages, Chinese among them) can sort text into labels it never saw
(Yin et al. 2019): each label $y$ becomes a hypothesis, "This text is about $y$.", and

$$p(y\mid x)=\mathrm{softmax}_y\;\mathrm{logit}_{\mathrm{entail}}(x,\ h_y)$$

With **several labels may apply**, each label is judged on its own: entailment against contradiction.
The embedded profile asks a language model instead, with no NLI training at all.
""": r"""
自然语言推理（NLI）判断前提是否**蕴含**假设。在 27 种语言（包括中文）的 270 万对 NLI 数据上训练的 mDeBERTa-v3 可以把文字分到它从没见过的标签里
（Yin 等，2019）：每个标签 $y$ 写成一句假设“这段文字的主题是 $y$。”，然后

$$p(y\mid x)=\mathrm{softmax}_y\;\mathrm{logit}_{\mathrm{entail}}(x,\ h_y)$$

勾选**可以有多个标签**时，每个标签单独判断：蕴含对矛盾。嵌入式配置改问一个语言模型，它完全没有做过 NLI 训练。
""",
    r"""
A language model gives every continuation of a text a probability. The app shows your text as
"Text: …" and reads each of your labels as the next line, "Category: *label*" (in Chinese two
prompts, "类别：*label*" and "这条新闻的类别是*label*", their scores added), then subtracts the label's
mean log-likelihood after texts that say nothing about it: content-free ones such as "N/A"
(**contextual calibration**, Zhao et al. 2021) and sixteen ordinary sentences of many kinds (as
**batch calibration** uses the texts of a batch, Zhou et al. 2024):

$$s(y)=\log p\left(\text{prompt}(y)\mid x\right)-\tfrac{1}{2}\left(\overline{\log p\left(\text{prompt}(y)\mid c\right)}_{c\,\in\,\text{content-free}}+\overline{\log p\left(\text{prompt}(y)\mid b\right)}_{b\,\in\,\text{ordinary}}\right)$$

A short or common label is likely after any text; the calibration removes that. The bars are
$\mathrm{softmax}_y\,s(y)$. A template you type replaces the prompts and is read the same way.
With **several labels may apply**, each label is judged on its own against a reference label,
"other things": $p(y)=\sigma\left(s(y)-s(\text{other things})\right)$.

On texts written for measuring it and held out while the method was chosen (`bench/data/`, the test
halves: 100 news leads and 96 assistant requests per language), averaged over four ways of writing
the labels (as typed, short, long, in the other language): four-topic news 83.0% in English, 80.5%
in Chinese; eight assistant intents 85.8% and 81.9% (`python -m bench.zero_shot --split test`).
""": r"""
语言模型给文字的每种续写一个概率。应用把你的文字写成“Text: …”（中文“文本：…”），把你的每个标签当作下一行来读：
“Category: *标签*”（中文两种说法，“类别：*标签*”和“这条新闻的类别是*标签*”，分数相加），再减去同一标签接在与它
无关的文字后面的平均对数似然：“N/A”等无内容文本（**上下文校准**，Zhao 等，2021），以及十六句各种各样的普通句子
（就像**批校准**用一批里的文字，Zhou 等，2024）：

$$s(y)=\log p\left(\text{提示}(y)\mid x\right)-\tfrac{1}{2}\left(\overline{\log p\left(\text{提示}(y)\mid c\right)}_{c\,\in\,\text{无内容}}+\overline{\log p\left(\text{提示}(y)\mid b\right)}_{b\,\in\,\text{普通句子}}\right)$$

短的或常见的标签接在任何文字后面都很可能，校准去掉了这一点。条形是 $\mathrm{softmax}_y\,s(y)$。你自己写的模板会代替这些
提示，用同样的方法读。勾选**可以有多个标签**时，每个标签单独和参照标签“其他事情”比较：
$p(y)=\sigma\left(s(y)-s(\text{其他事情})\right)$。

在专为衡量而写、选方法时没有用过的文字上（`bench/data/` 的测试一半：每种语言 100 条新闻导语、96 条助手请求），对四种
标签写法（照原样、简短、详细、另一种语言）取平均：四类新闻英文 83.0%、中文 80.5%；八种助手意图 85.8% 和 81.9%
（`python -m bench.zero_shot --split test`）。
""",
    "Labels (2 to 20, separated by commas)": "标签（2 到 20 个，用逗号分隔）",
    "Type or paste the text to sort…": "输入或粘贴要分类的文字……",
    "sports, politics, science, business": "体育, 政治, 科学, 商业",
    "Several labels may apply": "可以有多个标签",
    "Hypothesis template ({} is the label)": "假设模板（{} 代表标签）",
    "Label {n} is empty: write the labels separated by commas, e.g. 'sports, politics, science'.":
        "第 {n} 个标签是空的：请用逗号分隔标签，例如“体育, 政治, 科学”。",
    "{count} given; write {low} to {high} labels, separated by commas.": "给了 {count}；请写 {low} 到 {high} 个标签，用逗号分隔。",
    "1 label": "1 个标签",
    "{n} labels": "{n} 个标签",
    "The label '{label}…' is {count} characters long; at most {most} are allowed.":
        "标签“{label}……”有 {count} 个字符；最多 {most} 个。",
    "The label '{label}' is given twice: each label once, please.": "标签“{label}”写了两次：每个标签只写一次。",
    "The template must contain {{}} exactly once, where the label goes, and no other braces, e.g. '{example}'.":
        "模板里必须恰好有一个 {{}}，表示标签的位置，不能有别的花括号，例如“{example}”。",
    "Applies: {labels}": "适用：{labels}",
    "None of the labels applies": "没有适用的标签",
    "Each label on its own: it applies from 50%.": "每个标签单独判断：50% 起算适用。",
    ("How strongly a model trained on natural-language inference finds that your text entails "
     "\"this text is about <label>\": a confidence over your labels, not a measured accuracy."):
        "一个在自然语言推理上训练过的模型认为你的文字蕴含“这段文字的主题是<标签>”的程度：是在你的标签之间的置信度，"
        "不是测得的准确率。",
    ("The bars compare how likely a 270M model, never trained for this, finds each of your "
     "labels after the text, calibrated on ordinary and empty texts: a relative confidence, not "
     "a measured accuracy."):
        "条形比较一个从未为此训练过的 2.7 亿参数模型，认为每个标签接在文字后面有多可能（用空文本校准）：这是相对置信度，"
        "不是测得的准确率。",
    "the log-probability of the top label": "得分最高的标签的对数概率",
    "the calibrated log-probability of the top label": "得分最高的标签校准后的对数概率",
    "the top label": "得分最高的标签",
    "the other labels": "其他标签",
    "Which words pushed the top label": "哪些词推动了得分最高的标签",
    "NLI model": "NLI 模型",
    "Compare: NLI model vs zero-shot LLM": "对比：NLI 模型 vs 零样本大模型",
    ("The classic side is a model trained on natural-language inference, never on your labels; "
     "the zero-shot LLM was only trained to predict the next token. Neither saw your labels "
     "before."): "经典一方是在自然语言推理上训练过的模型，从没见过你的标签；零样本大模型只练过预测下一个词元。两者都没见过你的标签。",

    # demo.engines.gemma.classify
    "fewer new labels at once (each new label is calibrated once, on 19 texts)":
        "一次少用一些新标签（每个新标签第一次用时要在 19 段文字上校准一次）",
}
