"""Customer web pages (the site root; /admin/ and /api/v1/ are elsewhere)."""

from django.urls import path

from .views import (
    actions,
    api_keys,
    auth,
    dashboard,
    history,
    liquidations,
    mode,
    notifications,
    two_factor,
    webhooks,
)

urlpatterns = [
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
    # Signing in and out, passwords
    path("login/", auth.LoginView.as_view(), name="login"),
    path("login/verify/", auth.LoginVerifyView.as_view(), name="login-verify"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("password/change/", auth.PasswordChangeView.as_view(), name="password-change"),
    path("password/reset/", auth.PasswordResetView.as_view(), name="password-reset"),
    path("password/reset/sent/", auth.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path(
        "password/reset/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("password/reset/done/", auth.PasswordResetCompleteView.as_view(), name="password-reset-complete"),
    path("security/two-factor/", two_factor.TwoFactorView.as_view(), name="two-factor"),
    path("security/api-keys/", api_keys.ApiKeysView.as_view(), name="api-keys-page"),
    path("security/api-keys/<str:key>/revoke/", api_keys.ApiKeyRevokeView.as_view(), name="api-key-revoke"),
    path(
        "security/two-factor/recovery-codes/",
        two_factor.RecoveryCodesView.as_view(),
        name="two-factor-recovery",
    ),
    # Acting on the account
    path("transfer/", actions.TransferView.as_view(), name="transfer"),
    path("borrow/", actions.BorrowView.as_view(), name="borrow"),
    path("repay/", actions.RepayView.as_view(), name="repay"),
    path("repay/collateral/", actions.RepayWithCollateralView.as_view(), name="repay-collateral"),
    path("mode/", mode.ModeView.as_view(), name="mode"),
    path("mode/enable/", mode.ModeEnableView.as_view(), name="mode-enable"),
    path("mode/disable/", mode.ModeDisableView.as_view(), name="mode-disable"),
    # Alerts and history
    path("alerts/", notifications.NotificationListView.as_view(), name="alerts"),
    path("alerts/read/", notifications.NotificationReadView.as_view(), name="alerts-read"),
    path("liquidations/", liquidations.LiquidationListView.as_view(), name="liquidations"),
    path("liquidations/<int:pk>/", liquidations.LiquidationDetailView.as_view(), name="liquidation-detail"),
    path("history/", history.LedgerHistoryView.as_view(), name="history"),
    path("history/<int:pk>/", history.TransactionDetailView.as_view(), name="transaction-detail"),
    path("history/export.csv", history.LedgerExportView.as_view(), name="history-export"),
    path("history/interest/", history.InterestHistoryView.as_view(), name="interest-history"),
    path("history/interest/export.csv", history.InterestExportView.as_view(), name="interest-export"),
    path("webhooks/", webhooks.WebhookListView.as_view(), name="webhooks"),
    path("webhooks/<int:pk>/", webhooks.WebhookDetailView.as_view(), name="webhook-detail"),
]
