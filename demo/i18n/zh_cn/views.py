"""The views' texts in Chinese: attention, what flips it, the four steps, two ways.

Keyed by the English text each module writes; see `demo.i18n.zh_cn`."""

TEXTS = {
    # demo.views.attention
    "Attention: which words each head looks at": "注意力：每个头在看哪些词",
    "Attention weights": "注意力权重",
    "Layer {l}, head {h}": "第 {l} 层，第 {h} 个头",
    "layer {l}, head {h}": "第 {l} 层，第 {h} 个头",
    "attention of layer {l}, head {h}": "第 {l} 层第 {h} 个头的注意力",
    "All heads (rows: layers; pick one)": "所有注意力头（每行一层；点选一个）",
    "Each map is one head's softmax(QKᵀ / √d_k): each row is how much its token (at the left) attends to each token "
    "(at the top), and every row sums to 1. Here d_k = {d_k}, {heads} heads in each of {layers} layers ({model}).":
        "每张图是一个头的 softmax(QKᵀ / √d_k)：每一行是左边那个词元对上方每个词元的关注程度，每行之和为 1。"
        "这里 d_k = {d_k}，{layers} 层中每层 {heads} 个头（{model}）。",
    "A left-to-right model: a token attends only to the tokens before it (the upper right is empty), and there is no "
    "[CLS]; the first token is the start-of-text token.": "这是从左到右的模型：每个词元只关注它前面的词元（右上方是空的），也没有 [CLS]；第一个词元是文本开始标记。",
    "Grouped-query attention: the {heads} query heads of a layer share one key/value head.":
        "分组查询注意力：每层的 {heads} 个查询头共用一个键/值头。",
    "Grouped-query attention: the {heads} query heads of a layer share {kv} key/value heads.":
        "分组查询注意力：每层的 {heads} 个查询头共用 {kv} 个键/值头。",
    "average of all heads": "所有头的平均",
    "Average of all {count} heads": "全部 {count} 个头的平均",
    "the average attention of all heads": "所有头的平均注意力",
    "Shown first: layer {l}, head {h}, the head that attends most to the other words (most heads look mainly at the "
    "first token or at the word itself).": "先显示第 {l} 层第 {h} 个头：它最关注其他词（大多数头主要看第一个词元或词本身）。",
    "{count} of the {layers} layers attend within a sliding window of {window} tokens (longer than any input here).":
        "{layers} 层中有 {count} 层只在 {window} 个词元的滑动窗口内关注（比这里的任何输入都长）。",

    # demo.views.counterfactual
    "What flips it: the smallest edit that changes the answer": "什么会改变答案：最小的改动",
    "Smallest edits found that change the answer:": "找到的能改变答案的最小改动：",
    "No edit tried changes the answer ({label}, {p}): it holds.": "试过的改动都改变不了答案（{label}，{p}）：它站得住。",
    ("Each edit was checked by asking the model again. Words are left out one at a time, then "
     "the words the answer leaned on most are replaced by words the model itself proposes, then "
     "two such edits are made together; an edit that changes the answer shows which words the "
     "answer rests on."):
        "每个改动都重新问过模型。先逐个删去一个词，再把答案最依赖的词换成模型自己提出的词，然后两处改动一起做；"
        "能改变答案的改动说明答案依赖哪些词。",
    "asked the model {checks} times in {seconds} s{cut}{how}": "{seconds} 秒内问了模型 {checks} 次{cut}{how}",
    "; words left out only: this model proposes no replacements": "；只删词：这个模型不提出替换词",
    " (its limit)": "（达到上限）",
    "No edit found that changes the answer ({label}, {p}), but only {tried} of the text's {words} one-word edits "
    "could be asked within {seconds} s: the models are busy. Please try again in a moment.":
        "没有找到能改变答案（{label}，{p}）的改动，但 {seconds} 秒内只问到了这段文字 {words} 个删词改动中的 {tried} 个："
        "模型正忙。请稍后再试。",
    "Best edit": "最佳改动",
    "Edits that change the answer": "改变答案的改动",

    # demo.views.steps
    "The four steps, and the code": "推理四步，以及代码",
    "The four steps": "推理四步",
    "Code for this answer": "复现这个答案的代码",
    "Input processing": "输入处理",
    "Model inference": "模型推理",
    "Output post-processing": "输出后处理",
    "Presentation": "结果展示",
    "{count} tokens and their ids:": "{count} 个词元及其 id：",
    "tensor shapes: ": "张量形状：",
    "… {count} more …": "……另外 {count} 个……",
    "every token": "全部词元",
    "logits": "logits（未归一化的分数）",
    "log P(label word), over the two words": "标签词的对数概率（在两个词之间归一化）",
    "minus the content-free prior (log)": "减去无内容输入的先验（对数）",
    "the page says: ": "页面显示：",
    "The code below reproduces these probabilities with transformers alone.": "下面的代码只用 transformers 就能复现这些概率。",

    # demo.views.two_ways
    "Two ways: each blank on its own vs one after another": "两种填法：各空单独填 vs 依次填",
    ("With one blank the two ways are the same fill (there is no other blank to see): add a "
     "second [MASK] to see them differ."): "只有一个空时两种填法是同一种（没有别的空可看）：再加一个 [MASK] 就能看到它们的区别。",
}
