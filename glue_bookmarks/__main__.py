"""`python -m glue_bookmarks`: the `glue-bookmarks` command."""

from glue_bookmarks._cli import main

__all__: list[str] = []

if __name__ == "__main__":
    raise SystemExit(main())
