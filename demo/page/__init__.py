"""The page: one generic builder turns the registry's tasks, views and languages into a Gradio app."""
