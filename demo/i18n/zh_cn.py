"""Every Chinese (Simplified) page string, keyed by its English text.

Templates keep their "{name}" fields; the app fills them after the lookup. Model names, file
names and numbers stay as they are. Long texts are written in pieces, one line each.
"""

LOCALE = "zh-CN"
NAME = "中文"
ALIASES = ("zh", "zh-Hans", "zh-SG")

TEXTS = {
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
    "Task": "任务",
    "Zero-training NLP showcase": "零训练 NLP 演示",
    "Is a text positive or negative? DistilBERT, fine-tuned on movie reviews (SST-2), returns both classes' "
    "probabilities.":
        "一段文字是正面还是负面？英文由在影评（SST-2）上微调过的 DistilBERT 判断，中文由在中文评论上微调过的二郎神 RoBERTa 判断，两类的概率都会给出。",
    "Is a text positive or negative? Gemma 3 270M, never trained for it, compares how likely it finds the words "
    "*positive* and *negative* after the text.":
        "一段文字是正面还是负面？从未为此训练过的 Gemma 3 270M 来判断：中文评论看它接在“以下是一条好评：”之后还是“以下是一条差评：”之后更可能出现；英文比较文字之后接 *positive* 和 "
        "*negative* 的可能性。",
    "Hide a word behind [MASK] and BERT proposes the words that fit, with probabilities.":
        "用 [MASK] 遮住一个词（中文里一个 [MASK] 是一个字），BERT 给出合适的词和它们的概率。",
    "Hide a word behind [MASK]: Gemma 3 270M proposes words for the blank and ranks them by how likely the whole "
    "sentence becomes with each.":
        "用 [MASK] 遮住一个词（中文里一个 [MASK] 是一个字）：Gemma 3 270M 为空白提出候选，并按填入后整句的可能性排序。",
    "Does sentence B follow sentence A? BERT's own pretraining head answers.": "句子 B 是否紧接在句子 A 之后？由 BERT 预训练时自带的预测头回答。",
    "Does sentence B follow sentence A? Gemma 3 270M measures how much more likely B becomes once A has been read.":
        "句子 B 是否紧接在句子 A 之后？Gemma 3 270M 衡量读过 A 之后 B 变得可能了多少。",
    "Give a prompt and GPT-2 continues it, streamed token by token.": "给出一段提示词，模型逐个词元地续写（英文用 GPT-2，中文用 Qwen2.5 0.5B）。",
    "Give a prompt and Gemma 3 270M continues it, streamed token by token.": "给出一段提示词，Gemma 3 270M 逐个词元地续写。",
    "Positive": "正面",
    "Negative": "负面",
    "Unsure": "不确定",
    "leaning toward {label}, {points} points apart": "偏向{label}，相差 {points} 个百分点",
    "B follows A": "B 接在 A 之后",
    "IsNext": "IsNext（是下一句）",
    "NotNext": "NotNext（不是下一句）",
    "B does not follow A": "B 不接在 A 之后",
    "Classic checkpoint": "经典模型",
    "Classic {model}": "经典模型 {model}",
    "Zero-shot {model}": "零样本 {model}",
    "{side}: not available ({why})": "{side}：不可用（{why}）",
    "{side}: {seconds} s": "{side}：{seconds} 秒",
    "Zero-shot LLM": "零样本大模型",
    "They agree.": "两者一致。",
    "They disagree.": "两者不一致。",
    "{count} more under 1%": "另有 {count} 个低于 1%",
    "\nThe encoder reads the whole text at once. Each layer mixes the words with **scaled dot-product\n"
    "attention**, so every word's vector is updated from the words that matter to it:\n\n"
    "$$\\mathrm{Attention}(Q,K,V)=\\mathrm{softmax}\\!\\left(\\frac{QK^\\top}{\\sqrt{d_k}}\\right)V$$\n\nThe "
    "vector of the first token, `[CLS]`, summarises the text, and a linear layer turns it into\nclass "
    "probabilities: $p(y\\mid x)=\\mathrm{softmax}(W\\,h_{[\\mathrm{CLS}]}+b)$. The classic checkpoint\nis "
    "DistilBERT fine-tuned on SST-2 movie reviews; the embedded profile asks a language model which\nword, "
    "*positive* or *negative*, best follows the review, with no training at all.\n":
        "\n编码器一次读入整段文字。每一层用**缩放点积注意力**混合各个词，让每个词的向量从与它相关的词中更新：\n\n"
        "$$\\mathrm{Attention}(Q,K,V)=\\mathrm{softmax}\\!\\left(\\frac{QK^\\top}{\\sqrt{d_k}}\\right)V$$\n\n第一个词元 "
        "`[CLS]` 的向量概括整段文字，一个线性层把它变成类别概率：\n$p(y\\mid x)=\\mathrm{softmax}(W\\,h_{[\\mathrm{CLS}]}+b)$。英文用在 SST-2 "
        "影评上微调的 DistilBERT，中文用在中文评论上\n微调的二郎神 RoBERTa；嵌入式配置则不做任何训练，直接问语言模型评论后面更可能接哪个词。\n",
    "\nA language model was pretrained on one game only: predict the next token. Shown eight sho"
    "rt\nexample reviews with their labels and then yours, followed by `Sentiment:`, it gives ev"
    "ery\npossible next word a probability. The app reads three pairs of them (*positive*/*negat"
    "ive*,\n*great*/*terrible*, *good*/*bad*), each renormalised over its pair, divides each by "
    "its value for\ncontent-free inputs such as \"N/A\" (**contextual calibration**, Zhao et al. 2"
    "021), which removes the\nmodel's own preference for one word of a pair, and multiplies the "
    "three pairs:\n\n$$p(y\\mid x)\\propto\\prod_{k=1}^{3}\\frac{p\\left(w_{k,y} \\mid \\mathrm{prompt}("
    "x)\\right)}{p\\left(w_{k,y} \\mid \\mathrm{prompt}(\\varnothing)\\right)}$$\n\nOn SST-2 dev this i"
    "s right 89.4% of the time (one pair: 88.5%). The examples were written for this\napp, not t"
    "aken from a benchmark. Chinese reviews are read two ways and their log-odds added: the\noth"
    "er way round (noisy-channel prompting, Min et al. 2022: is the review likelier after\n\"以下是一"
    "条好评：\" (here is a good review) or after \"以下是一条差评：\" (a bad review), per token?) and as\nabove"
    ", after four Chinese examples, with the pairs 满意/失望, 好/差 and 喜欢/讨厌 (their geometric mean)."
    "\nThe classic profile uses DistilBERT fine-tuned on SST-2 movie reviews instead.\n":
        "\n语言模型在预训练时只玩一个游戏：预测下一个词元。中文评论用两种读法，把两者的对数几率相加。第一种反过来问：你的评论接在\n“以下是一条好评：”之后更可能，还是接在“以下是一条差评："
        "”之后更可能？（**噪声信道提示**，Min et al. 2022）\n评论的每个词元都是证据，按词元平均：\n\n$$m(x)=\\frac{1}{|x|}\\left(\\log p\\l"
        "eft(x \\mid \\text{好评}\\right)-\\log p\\left(x \\mid \\text{差评}\\right)\\right),\\qquad\n\\mathrm{logi"
        "t}_1=\\frac{m(x)-\\theta}{s}$$\n\n阈值 $\\theta$ 和尺度 $s$ 在启动时由本应用自己写的八条校准评论测出（正面和负面各四条）。第二种直接问：在四"
        "条中文示例评论之后，\n“评价：”后面的下一个词是“满意”还是“失望”、“好”还是“差”、“喜欢”还是“讨厌”？每对词按内容为空的输入做上下文校准（Zhao et al. 2021）"
        "，\n三对取几何平均。在 300 条 ChnSentiCorp 开发集评论上：第一种 71.3%，第二种 74.7%，两者相加 81.3%。\n英文评论用八条示例加 `Sentimen"
        "t:` 的提示，读出三对词（*positive*/*negative*、*great*/*terrible*、*good*/*bad*），\n每对校准后相乘（在 SST-2 开发集上"
        " 89.4%）。示例和校准评论都是为本应用写的，没有取自任何评测集。\n",
    "\nBERT was pretrained by hiding 15% of the words of its training text and guessing them back from\n**both "
    "sides** of the sentence. The **masked-LM loss** it minimised is the negative log-likelihood\nof each hidden "
    "word $x_i$ given the visible words $x_{\\setminus M}$:\n\n$$\\mathcal{L}_{\\mathrm{MLM}}=-\\sum_{i\\in "
    "M}\\log p\\left(x_i \\mid x_{\\setminus M}\\right)$$\n\nSo filling a mask is exactly what it learned: the "
    "output is $p(x_i\\mid x_{\\setminus M})$ over its\nvocabulary. The embedded profile uses a left-to-right "
    "model instead: it proposes words with the\nwhole sentence in view, then ranks them by the likelihood of the "
    "complete sentence.\n":
        "\nBERT 的预训练方法是遮住训练文本中 15% 的词，再从句子**两侧**把它们猜回来。它最小化的**掩码语言模型损失**是\n每个被遮住的词 $x_i$ 在可见词 $x_{\\setminus M}$ "
        "下的负对数似然：\n\n$$\\mathcal{L}_{\\mathrm{MLM}}=-\\sum_{i\\in M}\\log p\\left(x_i \\mid x_{\\setminus "
        "M}\\right)$$\n\n所以填空正是它学会的事情。中文 BERT 按字切分，一个 `[MASK]` 就是一个字，连续几个 `[MASK]` 组成一个词。\n",
    "\nA left-to-right model only sees the words before a blank. So the app first asks it, in a\nfill-in-the-blank "
    "prompt that shows the whole sentence, which words fit, and adds the words it\nexpects right after the left "
    "context. Then it scores each candidate $w$ by the log-likelihood of\nthe sentence with $w$ filled in, the sum "
    "of its next-token log-probabilities:\n\n$$\\mathrm{score}(w)=\\sum_{t}\\log p\\left(x_t \\mid "
    "x_{<t}\\right)\\quad\\text{over the sentence with } w \\text{ in the blank}$$\n\nThe scores are shown "
    "normalised over the candidates (a softmax), so they compare the candidates\nfound; they are not probabilities "
    "over the whole vocabulary. Each candidate is judged on its word\nand up to 16 tokens after the blank."
    " In Chinese, consecutive masks are one word: a blank of two\nmasks is filled with two-character words, and since the sentence alone favours pieces that read on\nfrom the left (坐**着车**去机场), each word's score adds a quarter of its log-likelihood as the answer\nto the same prompt about an empty sentence, $0.25\\log p(w\\mid\\text{prompt}(\\_\\_\\_))$: how much\n$w$ is a word at all. The classic profile uses BERT, which was pretrained to fill\nmasks from both sides of the sentence.\n":
        "\n从左到右的模型只看得到空白之前的词。所以应用先用一个展示整句的填空提示词问它哪些词合适，再加上它在左侧上下文\n之后最期待的词；然后按填入候选词 $w$ 之后整句的对数似然给每个候选打分：\n\n"
        "$$\\mathrm{score}(w)=\\sum_{t}\\log p\\left(x_t \\mid x_{<t}\\right)$$\n\n显示的分数在候选之间归一化（softmax），只比较找到的候选。"
        "中文里一个 `[MASK]` 是一个字：分词器常把“北京”\n写成一个词元，所以应用也会从“北”之前的位置找以“北”开头的词元，取它的下一个字。"
        "连续的 `[MASK]` 是一个词：两个遮盖用两个字的词来填。只看整句时，模型偏爱顺着左边读下去的片段（坐**着车**去机场），"
        "所以每个词的分数再加上它作为同一提示词（句子为空）的答案的对数似然的四分之一，"
        "$0.25\\log p(w\\mid\\text{prompt}(\\_\\_\\_))$：衡量 $w$ 本身像不像一个词。\n",
    "\nBesides filling masks, BERT was pretrained on a second game: given two sentences, was B the\nsentence that "
    "really followed A in the book (**IsNext**), or a random one (**NotNext**)? A small\nhead on the `[CLS]` "
    "vector predicts it, trained with the **NSP loss**\n\n$$\\mathcal{L}_{\\mathrm{NSP}}=-\\log p\\left(y \\mid "
    "h_{[\\mathrm{CLS}]}\\right),\\qquad y\\in\\{\\text{IsNext},\\text{NotNext}\\}$$\n\nThe embedded profile "
    "measures the same thing with a language model, by pointwise mutual\ninformation: how much more likely B "
    "becomes once A is read,\n$\\mathrm{PMI}=\\log p(B\\mid A)-\\log p(B)$.\n":
        "\n除了填空，BERT 预训练时还玩第二个游戏：给两句话，B 是书中真正接在 A 后面的那句（**IsNext**），还是随机的一句\n（**NotNext**）？`[CLS]` 向量上的一个小预测头回答这个问题，"
        "用 **NSP 损失**训练：\n\n$$\\mathcal{L}_{\\mathrm{NSP}}=-\\log p\\left(y \\mid "
        "h_{[\\mathrm{CLS}]}\\right),\\qquad y\\in\\{\\text{IsNext},\\text{NotNext}\\}$$\n\n中文 BERT 同样带有这个预测头。"
        "嵌入式配置用语言模型的点互信息衡量同一件事：$\\mathrm{PMI}=\\log p(B\\mid A)-\\log p(B)$。\n",
    "\nA language model gives every text a probability. If B really follows A, reading A first makes B\nmore "
    "expected. The **pointwise mutual information**, scaled by the square root of B's length, measures by how much:\n\n"
    "$$\\mathrm{PMI}(A,B)=\\frac{\\log p(B\\mid A)-\\log p(B)}{\\sqrt{|B|}},\\qquad\n"
    "p(\\text{IsNext})=\\sigma\\!\\left(\\frac{\\mathrm{PMI}-\\theta}{s}\\right)$$\n\nA fluent model finds most "
    "sentences a little more likely after any text, so the threshold\n$\\theta$ and scale $s$ come from eight "
    "built-in pairs, coherent and shuffled, measured at start.\nThe classic profile uses BERT's own next-sentence "
    "head, pretrained on exactly this question.\n":
        "\n语言模型给每段文字一个概率。如果 B 真的接在 A 后面，先读 A 会让 B 更可预期。**点互信息**（除以 B 的词元数的平方根）\n衡量了预期增加了多少：\n\n"
        "$$\\mathrm{PMI}(A,B)=\\frac{\\log p(B\\mid A)-\\log p(B)}{\\sqrt{|B|}},\\qquad\n"
        "p(\\text{IsNext})=\\sigma\\!\\left(\\frac{\\mathrm{PMI}-\\theta}{s}\\right)$$\n\n"
        "中文句子的 $p(B)$ 是把 B 当作正文中的一句来读（接在一个“。”之后）：放在整段文字的开头时，它开头的几个词还要为"
        "“文章从这里开始”付出代价，而接在 A 后面的 B 不用。\n"
        "流畅的模型会觉得大多数句子接在任何文字后面都更可能一点，所以阈值 $\\theta$ 和尺度 $s$ 在启动时由八对内置句子\n（连贯的和打乱的）测出；中文句子用中文的八对。\n",
    "\nA left-to-right language model was pretrained on one game only: predict the next token. It learns\nthe "
    "probability of a text as a product of next-token probabilities (**autoregressive decoding**):\n\n"
    "$$p(x_1,\\dots,x_T)=\\prod_{t=1}^{T}p\\left(x_t \\mid x_{<t}\\right),\\qquad\np(x_t\\mid "
    "x_{<t})=\\mathrm{softmax}\\!\\left(\\frac{z_t}{\\tau}\\right)$$\n\nTo write, it samples one token, appends "
    "it, and repeats. The temperature $\\tau$ sharpens\n($\\tau<1$) or flattens ($\\tau>1$) the distribution, "
    "`top_k` and `top_p` keep only the likeliest\ntokens, the repetition penalty discourages loops, and a fixed "
    "seed makes sampling repeatable.\nTemperature 0 always takes the likeliest token.\n":
        "\n从左到右的语言模型在预训练时只玩一个游戏：预测下一个词元。它把一段文字的概率写成下一个词元概率的乘积\n（**自回归解码**）：\n\n"
        "$$p(x_1,\\dots,x_T)=\\prod_{t=1}^{T}p\\left(x_t \\mid x_{<t}\\right),\\qquad\np(x_t\\mid "
        "x_{<t})=\\mathrm{softmax}\\!\\left(\\frac{z_t}{\\tau}\\right)$$\n\n写作时，它抽样一个词元、接上去、再重复。温度 $\\tau$ "
        "让分布更尖（$\\tau<1$）或更平（$\\tau>1$），`top_k` 和\n`top_p` 只保留最可能的词元，重复惩罚避免打转，固定的随机种子让抽样可以复现。温度为 0 时总是取最可能的词元。\n",
    "Each blank's bars are BERT's probabilities over its whole vocabulary, each blank filled on its own: a model's "
    "confidence, not a measured accuracy.":
        "每个空的条形是 BERT 在整个词表上的概率，各空单独填：这是模型的置信度，不是测得的准确率。",
    "The bars compare the candidates found for each blank (they sum to 100% over them), not the whole vocabulary: "
    "a 270M model's relative confidence, not a measured accuracy.":
        "条形比较的是为每个空找到的候选（它们加起来是 100%），不是整个词表：这是一个 2.7 亿参数模型的相对置信度，不是测得的准确率。",
    "Each blank on its own": "各空单独填",
    "every other blank stays a blank": "其他空保持空白",
    "One after another": "依次填",
    "each blank sees the best words before it": "每个空都能看到前面各空的最佳答案",
    "Blank {m}": "第 {m} 空",
    "“{token}”: {p}": "“{token}”：{p}",
    "The likeliest at this step:": "这一步最可能的词元：",
    "Perplexity <b>{shown}</b>: on average the model was as unsure as if it picked each token among that many "
    "equally likely ones. Lower means a more expected text.":
        "困惑度 <b>{shown}</b>：平均来说，模型的不确定程度相当于在这么多个同样可能的词元中挑一个。越低表示文字越在意料之中。",
    "(limit reached: {count} new tokens; raise Max new tokens in Settings for more)":
        "（已达上限：生成了 {count} 个词元；想要更多，请在设置里调高“最多生成的词元数”）",
    "n/a (one token, nothing to predict it from)": "无（只有一个词元，没有前文可以预测它）",
    "probability: {p}": "概率：{p}",
    "BERT's confidence that B is the sentence that came next rather than a random one: not a measured accuracy. A "
    "sentence on the same topic often counts as a follow-up.":
        "BERT 认为 B 是真正的下一句、而不是随机一句的置信度：不是测得的准确率。同一话题的句子常被当作下一句。",
    "How much more likely a 270M model finds B once it has read A, turned into a confidence: not a measured "
    "accuracy. A sentence on the same topic, or A repeated, often counts as a follow-up.":
        "一个 2.7 亿参数的模型读过 A 之后觉得 B 更可能了多少，换算成的置信度：不是测得的准确率。同一话题的句子或重复 A，常被当作下一句。",
    "The classic checkpoint is BERT's next-sentence head, trained on this exact question while BERT was "
    "pretrained; the zero-shot LLM was only ever trained to predict the next token.":
        "经典模型是 BERT 的下一句预测头，BERT 预训练时就在练这个问题；零样本大模型只练过预测下一个词元。",
    "the PMI: A's words by how it changes without each, B's by how much more expected each became after A":
        "点互信息（A 的词看去掉它后点互信息变了多少，B 的词看读过 A 后各自变得多可预期）",
    "IsNext over NotNext": "IsNext 相对 NotNext 的得分",
    "The bars are the classifier's confidence, not a measured accuracy: it was fine-tuned on movie reviews and can "
    "be wrong, above all on other kinds of text.":
        "条形表示分类器的置信度，不是测得的准确率：它在评论上微调过，也会出错，尤其是在其他类型的文字上。",
    "The bars compare how strongly a 270M model, never trained for this task, prefers each word: a relative "
    "confidence, not a measured accuracy. It makes mistakes.":
        "条形比较一个从未为此任务训练过的 2.7 亿参数模型对两种说法的偏好强弱：这是相对置信度，不是测得的准确率。它会出错。",
    "The classic checkpoint is a classifier trained on labelled movie reviews; the zero-shot LLM was never trained "
    "for the task and is asked through a prompt. Where they disagree, one of them is wrong.":
        "经典模型是在带标注的评论上训练过的分类器；零样本大模型从未为此训练过，只是通过提示词来问。两者不一致时，必有一方错了。",
    "how much more likely your review is after <i>以下是一条好评</i> (here is a good review) than after <i>以下是一条差评</i> (a "
    "bad review), the first of the answer's two readings":
        "评论在“以下是一条好评：”之后比在“以下是一条差评：”之后更可能多少（回答所加的两种读法中的第一种）",
    "\n# Zero-training NLP showcase\nPretrained language models, used **as they are**: no extra training, no "
    "fine-tuning on your data.\nPick a task, try an example or type your own text, in English or Chinese. Each tab "
    "says which model\nanswers, on which hardware, and how long it took; open **How it works** to see why a "
    "pretrained model\ncan do this.\n":
        "\n# 零训练 NLP 演示 · Zero-training NLP showcase\n预训练语言模型，**原样**使用：不做额外训练，也不在你的数据上微调。选一个任务，试试示例或输入你自己的中文或英文。\n"
        "每个标签页都会说明由哪个模型回答、在什么硬件上、用了多久；打开**原理**看看为什么预训练模型能做到。\n",
    "Not loaded on this page: it runs the embedded profile. Start the app where the hub is reachable, or with "
    "{flag} to a local checkpoint.":
        "本页没有加载：它运行的是嵌入式配置。请在能访问 Hugging Face Hub 的地方启动应用，或用 {flag} 指向本地模型。",
    "Each word's exact share of {target}.": "分数是{target}，每个词的份额是精确算出的。",
    "Integrated gradients (Captum) on {target}.": "方法：对{target}做积分梯度（Captum）。",
    "Blue words pushed toward {up}, red words toward {down}; the stronger the colour, the larger the push (scaled to "
    "the strongest, +1 or -1). {method} Only your words are scored: prompts and special tokens are held fixed.":
        "蓝色的词把答案推向{up}，红色的词推向{down}；颜色越深，推力越大（按最强的缩放到 +1 或 -1）。{method}只给你的词打分：提示词和特殊词元保持不变。",
    "Each word's score is {target} with the word, minus without it.": "每个词的分数是：有这个词时的{target}减去去掉它后的值。",
    "{score} toward {label}": "{score}，推向{label}",
    "Generated text is shaded by how expected each token was: {shades}. Hover over or tap a token for its "
    "probability and the five likeliest alternatives.":
        "生成的文字按每个词元的可预期程度着色：{shades}。把鼠标移到词元上或点一下，可看到它的概率和最可能的五个备选。",
    "Each token is shaded by its probability given the text before it: {shades}. Hover over or tap a token for its "
    "probability.":
        "每个词元按它在前文之后出现的概率着色：{shades}。把鼠标移到词元上或点一下，可看到它的概率。",
    "\n\n<details><summary>Details</summary>\n\n{details}\n\n</details>":
        "\n\n<details><summary>详情</summary>\n\n{details}\n\n</details>",
    " on {device}": "在 {device} 上",
    "Answers come from **{model}**{where}.": "答案将由 **{model}** {where}给出。",
    "English text is answered by **{english}**, Chinese text by **{chinese}**{where}.":
        "英文文本将由 **{english}** 回答，中文文本将由 **{chinese}** {where}回答。",
    "{english}  \nChinese: {chinese}": "{english}  \n中文：{chinese}",
    " (including {seconds} s of one-time model loading)": "（含 {seconds} 秒一次性模型加载）",
    "; first text after {seconds} s": "；{seconds} 秒后出现第一段文字",
    " Chinese text: {reason}.": " 中文文本：{reason}。",
    "Answered by **{model}**{where} in {seconds} s{load}{first}.{why}":
        "由 **{model}** {where}回答，用时 {seconds} 秒{load}{first}。{why}",
    " · routed to the {language} model: {reason}": " · 已交给{language}模型：{reason}",
    "Chinese": "中文",
    "English": "英文",
    "{han} Chinese characters, {words} Latin-script words": "{han} 个汉字，{words} 个拉丁字母单词",
    "{han} Chinese character, {words} Latin-script word": "{han} 个汉字，{words} 个拉丁字母单词",
    "no Chinese characters": "没有汉字",
    "Generating…": "生成中……",
    "**Stopped** after {size}{seconds} s; the text so far is kept.": "**已停止**：{size}{seconds} 秒，已生成的文字保留。",
    "{size} and ": "{size}，",
    "**Model ready.**": "**模型已就绪。**",
    "Not run": "未运行",
    "embedded profile chosen": "选择了嵌入式配置",
    "not available here": "这里不可用",
    "Loading the model for {task} (once)…": "正在加载“{task}”的模型（只需一次）…",
    "Expected: about {seconds} s (a request of {size} characters took {took} s here {when}). {quicker}":
        "预计约 {seconds} 秒（{when}，这台机器上一个 {size} 个字符的请求用了 {took} 秒）。{quicker}",
    "{count} min ago": "{count} 分钟前",
    "just now": "刚才",
    "Shorter texts answer sooner.": "文字越短，回答越快。",
    "Fewer masks or a lower top_k answer sooner.": "[MASK] 越少、top_k 越小，回答越快。",
    "**Loading the model** (once, {fraction}): {message}": "**正在加载模型**（只需一次，{fraction}）：{message}",
    "**The model could not be loaded:** {message}": "**模型无法加载：**{message}",
    "**Waiting to load** (models load one at a time, in tab order).": "**等待加载**（模型按标签页顺序逐个加载）。",
    "The model loads on this tab's first request.": "模型会在本页第一次请求时加载。",
    "Not answered": "未回答",
    "{view}: not offered by {engine}.": "{view}：{engine} 不提供。",
    "{name} is empty: please type some text.": "{name}为空：请输入文字。",
    "{name} is missing: please type some text.": "缺少{name}：请输入文字。",
    "No mask found. Write [MASK] where the missing word goes, e.g. 'The capital of France is [MASK].'":
        "没有找到 [MASK]。请在缺字的位置写 [MASK]，例如“中国的首都是北[MASK]。”（一个 [MASK] 是一个字）。",
    "The mask is written with full-width brackets ({mask}). Write it with ASCII brackets: [MASK].":
        "遮罩用了全角括号（{mask}）。请用半角括号写成 [MASK]。",
    "The text has {count} masks; at most {most} can be filled at once.": "文本中有 {count} 个 [MASK]，一次最多填 {most} 个。",
    "Serving the classic pretrained checkpoints (Chinese text goes to Chinese ones).": "经典预训练模型在服务本页（中文文本交给中文模型）。",
    "**Embedded profile**{why}: every tab runs on Gemma 3 270M, installed with pip, in English and Chinese. No "
    "network needed, no training, zero-shot.":
        "**嵌入式配置**{why}：每个标签页都由用 pip 安装的 Gemma 3 270M 回答，中文和英文都可以。不需要网络，不做训练，零样本。",
    "**Embedded models** serve {titles}{why}; the other tabs use the classic checkpoints.":
        "**嵌入式模型**服务{titles}{why}；其他标签页用经典模型。",
    " ({reasons})": "（{reasons}）",
    ", ": "、",
    "; ": "；",
    "hub not reachable": "无法访问 Hugging Face Hub",
    "HF_HUB_OFFLINE is set": "设置了 HF_HUB_OFFLINE",
    "no hub checkpoint is pinned for this task": "这个任务没有固定的 Hub 模型",
    "POSITIVE over NEGATIVE": "正面相对负面的得分",
    "the score of the words <i>positive</i>, <i>great</i>, <i>good</i> over <i>negative</i>, <i>terrible</i>, <i>bad</i>":
        "“positive”“great”“good”三个词相对“negative”“terrible”“bad”的得分",
}
