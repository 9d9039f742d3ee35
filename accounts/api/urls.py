"""/api/v1/ routes of the accounts app: auth, the customer's account, staff account calls."""

from django.urls import path, re_path

from . import account_views, auth_views, history_views, key_views, money_views, staff_views

urlpatterns = [
    path("auth/token/", auth_views.TokenObtainApi.as_view(), name="api-token-obtain"),
    path("auth/tokens/", auth_views.TokenListApi.as_view(), name="api-tokens"),
    re_path(
        r"^auth/tokens/(?P<prefix>[A-Za-z0-9]{1,40})/$",
        auth_views.TokenRevokeApi.as_view(),
        name="api-token-revoke",
    ),
    path("auth/api-keys/", key_views.ApiKeyListApi.as_view(), name="api-keys"),
    re_path(
        r"^auth/api-keys/(?P<api_key>[A-Za-z0-9]{1,64})/$",
        key_views.ApiKeyRevokeApi.as_view(),
        name="api-key",
    ),
    path("account/", account_views.AccountSummaryApi.as_view(), name="api-account"),
    path("account/mode/enable/", account_views.MarginModeEnableApi.as_view(), name="api-mode-enable"),
    path("account/mode/disable/", account_views.MarginModeDisableApi.as_view(), name="api-mode-disable"),
    path("account/max-borrowable/", account_views.MaxBorrowableApi.as_view(), name="api-max-borrowable"),
    path(
        "account/max-transferable/", account_views.MaxTransferableApi.as_view(), name="api-max-transferable"
    ),
    path("account/transfers/", money_views.TransferApi.as_view(), name="api-transfer"),
    path("account/loans/borrow/", money_views.LoanBorrowApi.as_view(), name="api-borrow"),
    path("account/loans/repay/", money_views.LoanRepayApi.as_view(), name="api-repay"),
    # History: read-only viewsets (list, and retrieve where a record has a page of its own).
    path("account/ledger/", history_views.LedgerViewSet.as_view({"get": "list"}), name="api-ledger"),
    path("account/interest/", history_views.InterestViewSet.as_view({"get": "list"}), name="api-interest"),
    path(
        "account/margin-calls/",
        history_views.MarginCallViewSet.as_view({"get": "list"}),
        name="api-margin-calls",
    ),
    path(
        "account/margin-calls/<int:pk>/",
        history_views.MarginCallViewSet.as_view({"get": "retrieve"}),
        name="api-margin-call",
    ),
    path(
        "account/liquidations/",
        history_views.LiquidationViewSet.as_view({"get": "list"}),
        name="api-liquidations",
    ),
    path(
        "account/liquidations/<int:pk>/",
        history_views.LiquidationViewSet.as_view({"get": "retrieve"}),
        name="api-liquidation",
    ),
    path(
        "account/notifications/",
        history_views.NotificationViewSet.as_view({"get": "list"}),
        name="api-notifications",
    ),
    path(
        "account/notifications/read/",
        history_views.NotificationViewSet.as_view({"post": "read_all"}),
        name="api-notifications-read",
    ),
    path(
        "account/notifications/<int:pk>/read/",
        history_views.NotificationViewSet.as_view({"post": "read"}),
        name="api-notification-read",
    ),
    path("staff/deposits/", staff_views.DepositCreditApi.as_view(), name="api-staff-deposit"),
    path("staff/accounts/", staff_views.StaffAccountListApi.as_view(), name="api-staff-accounts"),
    path(
        "staff/accounts/<int:user_id>/",
        staff_views.StaffAccountSummaryApi.as_view(),
        name="api-staff-account",
    ),
]
