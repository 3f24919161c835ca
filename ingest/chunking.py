"""Chunking: one chunk per page, split by sentences when a page exceeds the embedder's limit."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from llama_index.core import Document
from llama_index.core.node_parser import SentenceSplitter

from ingest.chunk import Chunk
from ingest.freshness import chunking_settings
from ingest.loaders import Page

_META_KEYS = ["deck", "doc", "page", "kind", "title"]


class PageChunker:
    """Splits pages with llama-index's sentence splitter, counting tokens with the embedder's tokenizer."""

    def __init__(self, count_tokens: Callable[[str], list[int]], chunk_tokens: int, overlap: int):
        self.settings = chunking_settings(chunk_tokens, overlap)
        self._splitter = SentenceSplitter(
            chunk_size=chunk_tokens, chunk_overlap=overlap, tokenizer=count_tokens
        )

    def chunk(self, deck: str, pages: Iterable[Page]) -> list[Chunk]:
        """Chunks for one file's pages, in page order, ids numbered per file."""
        documents = [
            Document(
                text=page.text,
                metadata={"deck": deck, "doc": page.doc, "page": page.number, "kind": page.kind,
                          "title": page.title or ""},
                # Metadata is stored beside the text, not embedded or counted against the budget.
                excluded_embed_metadata_keys=_META_KEYS,
                excluded_llm_metadata_keys=_META_KEYS,
            )
            for page in pages
        ]
        nodes = self._splitter.get_nodes_from_documents(documents)
        chunks = []
        for ordinal, node in enumerate(nodes):
            meta = node.metadata
            chunks.append(
                Chunk(
                    id=f"{meta['doc']}:{ordinal}",
                    deck=deck,
                    doc=meta["doc"],
                    text=node.get_content(),
                    page=meta["page"],
                    kind=meta["kind"],
                    title=meta["title"] or None,
                )
            )
        return chunks
