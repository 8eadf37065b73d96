"""Where student code runs, and the walls around it.

- `client.py`: the trusted parent's side: `Sandbox.run` sends a submission's sources and calls to a
  child and reads back plain data, each answer within its limits; where no cgroup bounds a child, its watch over
  the child's memory and (unconfined) the shared working folder.
- `forkserver.py`: the warm template (NumPy imported once) that forks one child per submission.
- `confine.py`: the walls each child stands behind, and what each one stops; where the kernel allows no user
  namespaces, what is left (`Fallback`: Landlock made once per template, seccomp, limits, an unprivileged uid as
  root), and as an ordinary user the refusal to grade other people's code without Landlock and seccomp.
- `child.py`: what runs in the child: load the modules from their source, make the calls, answer.
- `by_hand.py`: during a derivative to be worked out by hand, the submission's functions take real numbers only
  (a complex step or a dual number through them fails).
- `reflection.py`: the parent's side of that guard: the submission's source read as text for a door into the
  interpreter that reaches past it (`__globals__`, frames, `getattr`, `gc`, ...) or a complex number, noted for the
  instructor (the score stands: a reading of names is no wall).
"""
