from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from orderbot.per_thread import per_thread


def test_one_object_per_thread_made_once_in_each() -> None:
    made: list[object] = []

    @per_thread
    def thing() -> object:
        made.append(object())
        return made[-1]

    first = thing()
    assert thing() is first and len(made) == 1
    with ThreadPoolExecutor(max_workers=1) as pool:
        other = pool.submit(lambda: (thing(), thing())).result()
    assert other[0] is other[1] and other[0] is not first and len(made) == 2
