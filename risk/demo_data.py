"""The demo asset catalogue: real assets with plausible prices, tiers and daily rates.

Tiers are (upper bound in USDT value or None, factor). Daily rates are simple
interest per day; BNB is cheaper to borrow than BTC/ETH, stablecoins dearer.
"""

from decimal import Decimal as D

BIG = (
    (D("50000000"), D("0.90")),
    (D("100000000"), D("0.85")),
    (D("200000000"), D("0.80")),
    (None, D("0.70")),
)

# symbol, name, precision, price, tiers, collateral, borrowable, daily rate, priority, borrow limit
ASSETS = [
    ("USDT", "Tether USD", 8, D("1"), ((None, D("1.00")),), True, True, D("0.00025"), 10, None),
    ("FDUSD", "First Digital USD", 8, D("0.9998"), ((None, D("1.00")),), True, True, D("0.00022"), 11, None),
    ("BUSD", "Binance USD", 8, D("0.9995"), ((None, D("1.00")),), True, False, D("0"), 12, None),
    ("USDC", "USD Coin", 8, D("1.0001"), ((None, D("1.00")),), False, False, D("0"), 13, None),
    ("DAI", "Dai", 8, D("0.9999"), ((None, D("1.00")),), False, False, D("0"), 14, None),
    ("BTC", "Bitcoin", 8, D("60000"), BIG, True, True, D("0.00010"), 20, D("200")),
    ("ETH", "Ethereum", 8, D("3000"), BIG, True, True, D("0.00010"), 21, D("3000")),
    (
        "BNB",
        "BNB",
        8,
        D("600"),
        ((D("20000000"), D("0.85")), (None, D("0.75"))),
        True,
        True,
        D("0.00004"),
        22,
        D("20000"),
    ),
    (
        "SOL",
        "Solana",
        8,
        D("200"),
        ((D("10000000"), D("0.80")), (None, D("0.70"))),
        True,
        True,
        D("0.00015"),
        30,
        None,
    ),
    ("XRP", "XRP", 6, D("0.60"), ((None, D("0.75")),), True, True, D("0.00015"), 31, None),
    ("ADA", "Cardano", 6, D("0.50"), ((None, D("0.50")),), True, True, D("0.00018"), 40, None),
    ("DOGE", "Dogecoin", 8, D("0.15"), ((None, D("0.60")),), True, True, D("0.00020"), 41, None),
    ("TRX", "TRON", 6, D("0.12"), ((None, D("0.60")),), True, False, D("0"), 42, None),
    ("DOT", "Polkadot", 8, D("7.20"), ((None, D("0.65")),), True, True, D("0.00018"), 43, None),
    ("POL", "Polygon", 8, D("0.55"), ((None, D("0.60")),), True, False, D("0"), 44, None),
    ("LTC", "Litecoin", 8, D("80"), ((None, D("0.70")),), True, True, D("0.00015"), 45, None),
    ("LINK", "Chainlink", 8, D("15"), ((None, D("0.70")),), True, True, D("0.00016"), 46, None),
    ("AVAX", "Avalanche", 8, D("35"), ((None, D("0.65")),), True, True, D("0.00018"), 47, None),
    ("ATOM", "Cosmos", 6, D("9"), ((None, D("0.60")),), True, False, D("0"), 48, None),
    ("UNI", "Uniswap", 8, D("8"), ((None, D("0.60")),), True, False, D("0"), 49, None),
    ("XLM", "Stellar", 7, D("0.11"), ((None, D("0.55")),), True, False, D("0"), 50, None),
    ("ETC", "Ethereum Classic", 8, D("25"), ((None, D("0.60")),), True, False, D("0"), 51, None),
    ("BCH", "Bitcoin Cash", 8, D("400"), ((None, D("0.70")),), True, True, D("0.00016"), 52, None),
    ("FIL", "Filecoin", 8, D("5.50"), ((None, D("0.50")),), True, False, D("0"), 53, None),
    ("NEAR", "NEAR Protocol", 8, D("6"), ((None, D("0.55")),), True, False, D("0"), 54, None),
    ("APT", "Aptos", 8, D("9"), ((None, D("0.55")),), True, False, D("0"), 55, None),
    ("ARB", "Arbitrum", 8, D("1.10"), ((None, D("0.55")),), True, False, D("0"), 56, None),
    ("OP", "Optimism", 8, D("2.40"), ((None, D("0.55")),), True, False, D("0"), 57, None),
    ("SUI", "Sui", 8, D("1.80"), ((None, D("0.50")),), True, False, D("0"), 58, None),
    ("TON", "Toncoin", 8, D("6.50"), ((None, D("0.50")),), True, False, D("0"), 59, None),
    ("AAVE", "Aave", 8, D("150"), ((None, D("0.60")),), True, False, D("0"), 60, None),
    ("INJ", "Injective", 8, D("25"), ((None, D("0.50")),), True, False, D("0"), 61, None),
    ("SHIB", "Shiba Inu", 2, D("0.000025"), ((None, D("0.40")),), True, False, D("0"), 70, None),
    ("PEPE", "Pepe", 2, D("0.00001"), ((None, D("0.30")),), True, False, D("0"), 71, None),
]

# After the demo customers took their positions the market moved (bob falls into a margin
# call, carol into a partial liquidation). The demo ticker's random walk stays near these.
MARKET_MOVE = {"SOL": D("170"), "ADA": D("0.40")}
