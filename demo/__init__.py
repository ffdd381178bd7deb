"""Zero-training NLP showcase: pretrained models used as they are, in one Gradio app."""
