"""The founders' curated answers: written once (CLI or admin), kept in the log's database, and given to
a reader whose question means the same (store.py keeps them; matcher.py decides, with the threshold in
match.json fitted on eval/curated/'s tuning half; cli.py is `flask answers`)."""
