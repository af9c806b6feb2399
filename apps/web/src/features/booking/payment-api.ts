/**
 * The booking-payment contract (server docs/api.md, "Booking with payment"): the `payment` part of
 * the booking answer, the per-service "due now", the manage link's payment view and the test-mode
 * card endpoints.
 */
import { apiFetch, type Appointment, type AppointmentStatus, type Service } from '../../lib/api.ts';

/** What the browser needs to pay for a booking. */
export interface BookingPayment {
  paymentId: string;
  purpose: 'deposit' | 'prepayment' | 'card_setup';
  providerId: string | null;
  clientSecret: string | null;
  amountMinor: number;
  currency: string;
  holdExpiresAt: string | null;
  publishableKey: string | null;
  testMode: boolean;
}

/** The booking answer: absent `payment` = no payment provider; null = pay at the shop. */
export type BookedAppointment = Appointment & { payment?: BookingPayment | null };

/** A public service with what booking it takes online (absent without a provider). */
export type ServiceWithPayment = Service & {
  payment?: { mode: 'none' | 'deposit' | 'prepayment' | 'card_on_file'; amountMinor: number } | null;
};

/** What a test-mode card action answers. */
export interface TestPaymentResult {
  status: 'succeeded' | 'requires_action' | 'failed';
  failureCode: string | null;
  appointmentStatus: AppointmentStatus;
}

const seg = encodeURIComponent;

export const paymentApi = {
  refresh: (token: string) =>
    apiFetch<{ appointmentStatus: AppointmentStatus; payment: (BookingPayment & { status: string }) | null }>(
      `/manage/${seg(token)}/payment/refresh`,
      { method: 'POST', body: {} },
    ),
  testConfirm: (providerId: string, body: { clientSecret: string; cardNumber: string }) =>
    apiFetch<TestPaymentResult>(`/test-payments/${seg(providerId)}/confirm`, { method: 'POST', body }),
  testAuthenticate: (providerId: string, body: { clientSecret: string }) =>
    apiFetch<TestPaymentResult>(`/test-payments/${seg(providerId)}/authenticate`, { method: 'POST', body }),
};
