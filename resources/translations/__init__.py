"""Ferry's translations (``ferry_<locale>.ts``) and the tools that refresh and compile them.

``python -m resources.translations.update`` refreshes the .ts files from the sources;
``python -m resources.translations.build`` compiles each into the ``.qm`` next to it.
"""
