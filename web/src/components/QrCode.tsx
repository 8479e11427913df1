import { renderSVG } from 'uqr';

/** A QR code drawn here, from the text itself: nothing leaves the browser (an otpauth secret must not). */
export function QrCode({ text, label }: { text: string; label: string }) {
  const svg = renderSVG(text, { border: 2 });
  return (
    <img
      className="qr"
      src={`data:image/svg+xml;utf8,${encodeURIComponent(svg)}`}
      alt={label}
      width={200}
      height={200}
    />
  );
}
