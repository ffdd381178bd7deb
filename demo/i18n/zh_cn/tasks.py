"""The tasks' own texts in Chinese: their summaries, How it works, advice and messages, and the embedded engines' words.

Keyed by the English text each module writes; see `demo.i18n.zh_cn`."""

TEXTS = {
    # demo.tasks.base
    **{f"{{what}} was too long for the model ({{limit}} tokens at most): {{dropped}} {noun} at the {where} {verb} left out.":
     f"{{what}}超出了模型的长度上限（最多 {{limit}} 个词元）：{'开头' if where == 'start' else '末尾'}的 {{dropped}} 个词元被略去。"
     for where in ("start", "end") for noun, verb in (("token", "was"), ("tokens", "were"))},
    "The text": "文本",
    "The two sentences together": "两个句子合起来",
    "The prompt": "提示",
    "Note": "提示",
    "{name} is {length} characters long; the limit is {limit}. Please send a shorter text.":
        "{name}有 {length} 个字符，上限是 {limit}。请缩短。",

    # demo.tasks.sentiment
    r"""
The encoder reads the whole text at once. Each layer mixes the words with **scaled dot-product
attention**, so every word's vector is updated from the words that matter to it:

$$\mathrm{Attention}(Q,K,V)=\mathrm{softmax}\!\left(\frac{QK^\top}{\sqrt{d_k}}\right)V$$

The vector of the first token, `[CLS]`, summarises the text, and a linear layer turns it into
class probabilities: $p(y\mid x)=\mathrm{softmax}(W\,h_{[\mathrm{CLS}]}+b)$. The classic checkpoint
is DistilBERT fine-tuned on SST-2 movie reviews; the embedded profile asks a language model which
word, *positive* or *negative*, best follows the review, with no training at all.
""":
        "\n编码器一次读入整段文字。每一层用**缩放点积注意力**混合各个词，让每个词的向量从与它相关的词中更新：\n\n"
        "$$\\mathrm{Attention}(Q,K,V)=\\mathrm{softmax}\\!\\left(\\frac{QK^\\top}{\\sqrt{d_k}}\\right)V$$\n\n第一个词元 "
        "`[CLS]` 的向量概括整段文字，一个线性层把它变成类别概率：\n$p(y\\mid x)=\\mathrm{softmax}(W\\,h_{[\\mathrm{CLS}]}+b)$。英文用在 SST-2 "
        "影评上微调的 DistilBERT，中文用在中文评论上\n微调的二郎神 RoBERTa；嵌入式配置则不做任何训练，直接问语言模型评论后面更可能接哪个词。\n",
    r"""
A language model was pretrained on one game only: predict the next token. Shown eight short
example reviews with their labels and then yours, followed by `Sentiment:`, it gives every
possible next word a probability. The app reads four pairs of them (*positive*/*negative*,
*great*/*terrible*, *good*/*bad*, *happy*/*sad*), each renormalised over its pair, divides each by its
value for content-free inputs such as "N/A" (**contextual calibration**, Zhao et al. 2021), which removes the
model's own preference for one word of a pair, and multiplies the four pairs:

$$p(y\mid x)\propto\prod_{k=1}^{4}\frac{p\left(w_{k,y} \mid \mathrm{prompt}(x)\right)}{p\left(w_{k,y} \mid \mathrm{prompt}(\varnothing)\right)}$$

On SST-2 dev this is right 88.8% of the time (one pair: 88.5%). The examples were written for this
app, not taken from a benchmark. Chinese reviews are read two ways and their log-odds added: the
other way round (noisy-channel prompting, Min et al. 2022: is the review likelier after
"以下是一条好评：" (here is a good review) or after "以下是一条差评：" (a bad review), per token?) and as
above, after four Chinese examples, with the pairs 满意/失望, 好/差 and 喜欢/讨厌 (their geometric mean).
The classic profile uses DistilBERT fine-tuned on SST-2 movie reviews instead.
""":
        "\n语言模型在预训练时只玩一个游戏：预测下一个词元。中文评论用两种读法，把两者的对数几率相加。第一种反过来问：你的评论接在\n“以下是一条好评：”之后更可能，还是接在“以下是一条差评："
        "”之后更可能？（**噪声信道提示**，Min et al. 2022）\n评论的每个词元都是证据，按词元平均：\n\n$$m(x)=\\frac{1}{|x|}\\left(\\log p\\l"
        "eft(x \\mid \\text{好评}\\right)-\\log p\\left(x \\mid \\text{差评}\\right)\\right),\\qquad\n\\mathrm{logi"
        "t}_1=\\frac{m(x)-\\theta}{s}$$\n\n阈值 $\\theta$ 和尺度 $s$ 在启动时由本应用自己写的八条校准评论测出（正面和负面各四条）。第二种直接问：在四"
        "条中文示例评论之后，\n“评价：”后面的下一个词是“满意”还是“失望”、“好”还是“差”、“喜欢”还是“讨厌”？每对词按内容为空的输入做上下文校准（Zhao et al. 2021）"
        "，\n三对取几何平均。在 300 条 ChnSentiCorp 开发集评论上：第一种 71.3%，第二种 74.7%，两者相加 81.3%。\n英文评论用八条示例加 `Sentimen"
        "t:` 的提示，读出四对词（*positive*/*negative*、*great*/*terrible*、*good*/*bad*、*happy*/*sad*），\n每对校准后相乘（在 SST-2 开发集上"
        " 88.8%）。示例和校准评论都是为本应用写的，没有取自任何评测集。\n",

    # demo.tasks.fill_mask
    r"""
BERT was pretrained by hiding 15% of the words of its training text and guessing them back from
**both sides** of the sentence. The **masked-LM loss** it minimised is the negative log-likelihood
of each hidden word $x_i$ given the visible words $x_{\setminus M}$:

$$\mathcal{L}_{\mathrm{MLM}}=-\sum_{i\in M}\log p\left(x_i \mid x_{\setminus M}\right)$$

So filling a mask is exactly what it learned: the output is $p(x_i\mid x_{\setminus M})$ over its
vocabulary. The embedded profile uses a left-to-right model instead: it proposes words with the
whole sentence in view, then ranks them by the likelihood of the complete sentence.
""":
        "\nBERT 的预训练方法是遮住训练文本中 15% 的词，再从句子**两侧**把它们猜回来。它最小化的**掩码语言模型损失**是\n每个被遮住的词 $x_i$ 在可见词 $x_{\\setminus M}$ "
        "下的负对数似然：\n\n$$\\mathcal{L}_{\\mathrm{MLM}}=-\\sum_{i\\in M}\\log p\\left(x_i \\mid x_{\\setminus "
        "M}\\right)$$\n\n所以填空正是它学会的事情。中文 BERT 按字切分，一个 `[MASK]` 就是一个字，连续几个 `[MASK]` 组成一个词。\n",
    r"""
A left-to-right model only sees the words before a blank. So the app first asks it, in a
fill-in-the-blank prompt that shows the whole sentence, which words fit, and adds the words it
expects right after the left context. Then it scores each candidate $w$ by the log-likelihood of
the sentence with $w$ filled in, the sum of its next-token log-probabilities:

$$\mathrm{score}(w)=\sum_{t}\log p\left(x_t \mid x_{<t}\right)\quad\text{over the sentence with } w \text{ in the blank}$$

The scores are shown normalised over the candidates (a softmax), so they compare the candidates
found; they are not probabilities over the whole vocabulary. Each candidate is judged on its word
and up to 16 tokens after the blank. In Chinese, consecutive masks are one word: a blank of two
masks is filled with two-character words, and since the sentence alone favours pieces that read on
from the left (坐**着车**去机场), each word's score adds a quarter of its log-likelihood as the answer
to the same prompt about an empty sentence, $0.25\log p(w\mid\text{prompt}(\_\_\_))$: how much
$w$ is a word at all. The classic profile uses BERT, which was pretrained to fill
masks from both sides of the sentence.
""":
        "\n从左到右的模型只看得到空白之前的词。所以应用先用一个展示整句的填空提示词问它哪些词合适，再加上它在左侧上下文\n之后最期待的词；然后按填入候选词 $w$ 之后整句的对数似然给每个候选打分：\n\n"
        "$$\\mathrm{score}(w)=\\sum_{t}\\log p\\left(x_t \\mid x_{<t}\\right)$$\n\n显示的分数在候选之间归一化（softmax），只比较找到的候选。"
        "中文里一个 `[MASK]` 是一个字：分词器常把“北京”\n写成一个词元，所以应用也会从“北”之前的位置找以“北”开头的词元，取它的下一个字。"
        "连续的 `[MASK]` 是一个词：两个遮盖用两个字的词来填。只看整句时，模型偏爱顺着左边读下去的片段（坐**着车**去机场），"
        "所以每个词的分数再加上它作为同一提示词（句子为空）的答案的对数似然的四分之一，"
        "$0.25\\log p(w\\mid\\text{prompt}(\\_\\_\\_))$：衡量 $w$ 本身像不像一个词。\n",

    # demo.tasks.next_sentence
    r"""
Besides filling masks, BERT was pretrained on a second game: given two sentences, was B the
sentence that really followed A in the book (**IsNext**), or a random one (**NotNext**)? A small
head on the `[CLS]` vector predicts it, trained with the **NSP loss**

$$\mathcal{L}_{\mathrm{NSP}}=-\log p\left(y \mid h_{[\mathrm{CLS}]}\right),\qquad y\in\{\text{IsNext},\text{NotNext}\}$$

The embedded profile measures the same thing with a language model: how much more likely B is
after A than after unrelated sentences $U_i$, $\log p(B\mid A)-\frac{1}{8}\sum_i\log p(B\mid U_i)$.
""":
        "\n除了填空，BERT 预训练时还玩第二个游戏：给两句话，B 是书中真正接在 A 后面的那句（**IsNext**），还是随机的一句\n（**NotNext**）？`[CLS]` 向量上的一个小预测头回答这个问题，"
        "用 **NSP 损失**训练：\n\n$$\\mathcal{L}_{\\mathrm{NSP}}=-\\log p\\left(y \\mid "
        "h_{[\\mathrm{CLS}]}\\right),\\qquad y\\in\\{\\text{IsNext},\\text{NotNext}\\}$$\n\n中文 BERT 同样带有这个预测头。"
        "嵌入式配置用语言模型衡量同一件事：B 跟在 A 后面比跟在无关句子 $U_i$ 后面更可能多少，"
        "$\\log p(B\\mid A)-\\frac{1}{8}\\sum_i\\log p(B\\mid U_i)$。\n",
    r"""
A language model gives every text a probability. If B really follows A, reading A first makes B
more expected than reading some other sentence first. The score measures by how much, against eight
built-in sentences $U_1,\dots,U_8$ on other everyday subjects, scaled by the square root of B's length:

$$\mathrm{score}(A,B)=\frac{\log p(B\mid A)-\frac{1}{8}\sum_{i=1}^{8}\log p(B\mid U_i)}{\sqrt{|B|}},\qquad
p(\text{IsNext})=\sigma\!\left(\frac{\mathrm{score}-\theta}{s}\right)$$

Against $\log p(B)$ alone this would be the pointwise mutual information, but at the start of a text
B's first words also pay for opening it; after the unrelated sentences that cost is gone, and what
is left is what A itself adds (on 100 pairs, each against a shuffled B, IsNext at 0.5 is right 89%
of the time in English and in Chinese; against $\log p(B)$: 85% and 87%). A sentence on the same kind
of subject still gains a little after any A, so the threshold $\theta$ and scale $s$ come from eight
built-in pairs, coherent and shuffled, measured at start.
The classic profile uses BERT's own next-sentence head, pretrained on exactly this question.
""":
        "\n语言模型给每段文字一个概率。如果 B 真的接在 A 后面，先读 A 会比先读别的句子让 B 更可预期。得分以八句内置的、"
        "谈其他日常话题的句子 $U_1,\\dots,U_8$ 为参照，衡量预期增加了多少，并除以 B 的词元数的平方根：\n\n"
        "$$\\mathrm{score}(A,B)=\\frac{\\log p(B\\mid A)-\\frac{1}{8}\\sum_{i=1}^{8}\\log p(B\\mid U_i)}{\\sqrt{|B|}},\\qquad\n"
        "p(\\text{IsNext})=\\sigma\\!\\left(\\frac{\\mathrm{score}-\\theta}{s}\\right)$$\n\n"
        "若以单独的 $\\log p(B)$ 为参照，这就是点互信息；但放在整段文字的开头时，B 开头的几个词还要为“文章从这里开始”"
        "付出代价，接在无关句子后面就没有这笔代价，剩下的就是 A 本身带来的（在 100 对句子上，每对与打乱的 B 相比，"
        "以 0.5 为界判断 IsNext，英文和中文都有 89% 正确；以 $\\log p(B)$ 为参照时为 85% 和 87%）。"
        "同类话题的句子接在任何 A 后面仍会更可能一点，所以阈值 $\\theta$ 和尺度 $s$ 在启动时由八对内置句子"
        "（连贯的和打乱的）测出；中文句子用中文的参照句和八对句子。\n经典配置使用 BERT 自带的下一句预测头，"
        "它预训练时练的正是这个问题。\n",

    # demo.tasks.generate
    r"""
A left-to-right language model was pretrained on one game only: predict the next token. It learns
the probability of a text as a product of next-token probabilities (**autoregressive decoding**):

$$p(x_1,\dots,x_T)=\prod_{t=1}^{T}p\left(x_t \mid x_{<t}\right),\qquad
p(x_t\mid x_{<t})=\mathrm{softmax}\!\left(\frac{z_t}{\tau}\right)$$

To write, it samples one token, appends it, and repeats. The temperature $\tau$ sharpens
($\tau<1$) or flattens ($\tau>1$) the distribution, `top_k` and `top_p` keep only the likeliest
tokens, the repetition penalty discourages loops, and a fixed seed makes sampling repeatable.
Temperature 0 always takes the likeliest token.
""":
        "\n从左到右的语言模型在预训练时只玩一个游戏：预测下一个词元。它把一段文字的概率写成下一个词元概率的乘积\n（**自回归解码**）：\n\n"
        "$$p(x_1,\\dots,x_T)=\\prod_{t=1}^{T}p\\left(x_t \\mid x_{<t}\\right),\\qquad\np(x_t\\mid "
        "x_{<t})=\\mathrm{softmax}\\!\\left(\\frac{z_t}{\\tau}\\right)$$\n\n写作时，它抽样一个词元、接上去、再重复。温度 $\\tau$ "
        "让分布更尖（$\\tau<1$）或更平（$\\tau>1$），`top_k` 和\n`top_p` 只保留最可能的词元，重复惩罚避免打转，固定的随机种子让抽样可以复现。温度为 0 时总是取最可能的词元。\n",
    "max_new_tokens lowered to {tokens}: this model reads at most {context} tokens, prompt and new tokens together.":
        "max_new_tokens 已降到 {tokens}：这个模型最多读取 {context} 个词元（提示和新生成的词元合计）。",
    "The generation engine takes no {settings}: left out of this request.": "生成引擎不接受 {settings}：本次请求未使用。",

    # demo.engines.gemma.fill_mask
    "fewer masks or fewer candidates (top_k)": "更少的遮盖或更少的候选（top_k）",
    "Mask {mask}: the embedded model proposed {count} distinct words, fewer than the {top_k} asked for.":
        "第 {mask} 个遮盖：嵌入式模型只给出了 {count} 个不同的词，少于要求的 {top_k} 个。",

    # demo.engines.gemma.sentiment
    ("the score of the words <i>positive</i>, <i>great</i>, <i>good</i>, <i>happy</i> over "
     "<i>negative</i>, <i>terrible</i>, <i>bad</i>, <i>sad</i>"): "“positive”“great”“good”“happy”四个词相对“negative”“terrible”“bad”“sad”的得分",
    ("how much more likely your review is after <i>以下是一条"
     "好评</i> (here is a good review) than after <i>以下是一条"
     "差评</i> (a bad review), the first of the answer's two readings"): "评论在“以下是一条好评：”之后比在“以下是一条差评：”之后更可能多少（回答所加的两种读法中的第一种）",
    "log P(label word) over its pair, added over the pairs": "标签词的对数概率（在一对词之间归一化），各对相加",
}
