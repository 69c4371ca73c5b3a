"""node_json writes through the stdlib's C encoder whenever it writes as JSON.stringify does: whole
doubles (a find's scores, 1.0 and 2.0) as integers, other doubles as repr writes them where that is
Number::toString's text; the rest by the JS writer. Either way the text is the JS writer's."""

from __future__ import annotations

import pytest

from mockserver.jsonvalue import js_number, node_json


@pytest.mark.parametrize(
    "number",
    [
        1.0,
        2.0,
        -0.0,
        0.0,
        1.5,
        0.1,
        0.0001,
        0.00005,
        1e-7,
        123.456,
        1e15,
        1e16,
        1e17,
        1e21,
        2.0**53 - 1,
        2.0**53,
        -(2.0**53),
        9999999999999998.0,
        0.30000000000000004,
        2**53,
        2**53 + 1,
        float("nan"),
        float("inf"),
    ],
)
def test_a_number_in_an_answer_is_written_as_number_to_string(number):
    answer = {"saved_objects": [{"id": "a", "score": number, "attributes": {"title": "é", "n": [number]}}]}
    written = js_number(number)
    expected = f'{{"saved_objects":[{{"id":"a","score":{written},"attributes":{{"title":"é","n":[{written}]}}}}]}}'
    assert node_json(answer) == expected
    assert node_json(answer, sort_keys=True) == (
        f'{{"saved_objects":[{{"attributes":{{"n":[{written}],"title":"é"}},"id":"a","score":{written}}}]}}'
    )


def test_whole_doubles_are_written_without_a_point_and_the_answer_is_not_changed():
    answer = {"score": 2.0, "nested": [{"s": 1.0}]}
    assert node_json(answer) == '{"score":2,"nested":[{"s":1}]}'
    assert answer == {"score": 2.0, "nested": [{"s": 1.0}]} and isinstance(answer["score"], float)


def test_an_array_index_key_goes_first_as_in_a_js_object():
    assert node_json({"b": 1.5, "1": 2.0, "a": None}) == '{"1":2,"b":1.5,"a":null}'
