"""Sample data: the living demo office (`load_demo`) and the benchmark's bulk rows (`seed_bench`).

Nothing in the portal imports this app; it only writes rows through the other apps' models.
"""
