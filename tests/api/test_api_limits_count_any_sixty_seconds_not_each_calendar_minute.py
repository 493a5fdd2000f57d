"""The API limits count calls in a moving window: no 60 seconds hold more than the limit, so a
burst at the end of one minute and the start of the next is refused (a counter per calendar minute
let twice the limit through there). API v2 and the REST API alike; calls and bad keys alike."""

END_OF_A_MINUTE = 1_800_000_059.0  # 1_800_000_000 is a multiple of 60


def test_calls_of_a_key_across_the_turn_of_a_minute_share_one_window(
    api, client, reseller, limits_clock, settings
):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    limits_clock.now = END_OF_A_MINUTE
    for _ in range(3):
        assert "balance" in api({"key": reseller.key, "action": "balance"}).json()

    limits_clock.now += 2  # a new calendar minute
    reply = api({"key": reseller.key, "action": "balance"})
    assert reply.json() == {"error": "Too many requests"}
    assert reply.status_code == 200 and reply.headers["Retry-After"] == "59"
    rest = client.get("/api/rest/balance/", HTTP_AUTHORIZATION=f"Bearer {reseller.key}")
    assert rest.status_code == 429 and rest["Retry-After"] == "59"

    limits_clock.now += 59  # as Retry-After said: the first calls are past a minute old
    assert "balance" in api({"key": reseller.key, "action": "balance"}).json()


def test_bad_keys_across_the_turn_of_a_minute_keep_their_address_blocked(
    client, reseller, limits_clock, settings
):
    settings.API_INVALID_KEY_LIMIT_PER_MINUTE = 3
    guesser = {"REMOTE_ADDR": "203.0.113.9"}
    limits_clock.now = END_OF_A_MINUTE
    for guess in ("a", "b", "c"):
        client.post("/api/v2", {"key": guess, "action": "balance"}, **guesser)

    limits_clock.now += 2
    refused = client.post("/api/v2", {"key": reseller.key, "action": "balance"}, **guesser)
    assert refused.json() == {"error": "Too many requests"} and refused.headers["Retry-After"] == "59"

    limits_clock.now += 59
    assert "balance" in client.post("/api/v2", {"key": reseller.key, "action": "balance"}, **guesser).json()
