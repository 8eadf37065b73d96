"""Where student code runs, and the walls around it.

- `client.py`: the trusted parent's side: `Sandbox.run` sends a submission's sources and calls to a
  child and reads back plain data, each answer within its limits.
- `forkserver.py`: the warm template (NumPy imported once) that forks one child per submission.
- `confine.py`: the walls each child stands behind, and what each one stops.
- `child.py`: what runs in the child: load the modules from their source, make the calls, answer.
- `by_hand.py`: during a derivative to be worked out by hand, the submission's functions take real numbers only
  (a complex step or a dual number through them fails).
"""
