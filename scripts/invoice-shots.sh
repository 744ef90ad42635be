#!/usr/bin/env bash
# The invoices' screenshots, in demo mode (which starts with a customer,
# an invoice paid last week and one past due). Sourced by screenshots.sh
# after its set-up: uses its shot, open_app, close_app, $work and $out.

inv="$work/invoices/tally.db"
mkdir -p "$(dirname "$inv")" "$work/invoices/docs"
export TALLY_DOCUMENTS="$work/invoices/docs" # where the app saves the PDFs it opens
c() { xdotool mousemove "$1" "$2" click 1; sleep 0.5; }
typed() { xdotool key ctrl+a; xdotool type --delay 10 "$1"; sleep 0.2; }

# The list, with the past-due invoice chosen: its QR code and details.
open_app Invoices "$inv"
c 400 281 # SIM-0001, past due
shot invoices-list
zbarimg -q "$out/invoices-list.png" 2>/dev/null | grep -q "QR-Code:https://invoice.stripe.com/" ||
	{ echo "the invoice's QR code on the screen does not read as its payment page" >&2; exit 1; }

# The form: a customer, two lines, a note.
c 789 124
c 645 149
c 520 184 # Bistro Nord
c 725 238
xdotool type --delay 10 "Wedding cake, delivered on Saturday 12 December."
c 290 364
typed "Wedding cake, 3 tiers"
c 638 364
typed "180.00"
c 260 646 # Add a line
c 290 404
typed "Delivery"
c 638 404
typed "15.00"
c 813 404
typed "0"
shot invoice-form
c 708 686 # Issue the invoice
sleep 1.5
shot invoice-issued

# The printable QR sheet, saved by the app and drawn from its PDF.
c 1170 679
sleep 1.5
sheet=$(ls "$TALLY_DOCUMENTS"/invoice-*-qr.pdf | head -1)
pdftoppm -r 80 -png -singlefile "$sheet" "$out/invoice-qr-sheet"
zbarimg -q "$out/invoice-qr-sheet.png" 2>/dev/null | grep -q "QR-Code:https://invoice.stripe.com/" ||
	{ echo "the QR sheet's code does not read as the payment page" >&2; exit 1; }
echo "saved $out/invoice-qr-sheet.png"
close_app

# At the register: the cart named for a customer becomes an invoice, and
# its payment page is shown for the customer at the counter.
open_app Register "$inv"
xdotool type --delay 20 "2000000000015"
xdotool key Return
sleep 0.3
xdotool type --delay 20 "2*2000000000039"
xdotool key Return
sleep 0.5
c 710 593
c 700 667 # Bistro Nord
c 1225 593 # Invoice…
sleep 0.5
shot register-invoice-form
c 708 686
sleep 1.5
shot register-invoice-qr
close_app
unset TALLY_DOCUMENTS
