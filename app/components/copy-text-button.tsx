import { useState, useSyncExternalStore } from 'react'
import { secondaryButton } from './button-styles'

/**
 * Copies `text` to the clipboard in one click. Shown only once the page's JavaScript runs: without
 * it the button could do nothing, and the page says to select the text instead.
 */
export function CopyTextButton({ text, label }: { text: string; label: string }) {
  // False in the server's HTML and while hydrating, true once the page's JavaScript runs.
  const scripted = useSyncExternalStore(
    noChanges,
    () => true,
    () => false,
  )
  const [said, setSaid] = useState('')
  if (!scripted) return null
  return (
    <div className="mt-2 flex flex-wrap items-center gap-3">
      <button
        type="button"
        className={`${secondaryButton} py-1`}
        onClick={() => {
          navigator.clipboard.writeText(text).then(
            () => setSaid('Copied. Paste it somewhere safe before you sign in.'),
            () => setSaid('Could not copy: select the text in the box and copy it.'),
          )
        }}
      >
        {label}
      </button>
      {/* Inside the notice, a live region (role="status"), which reads this out. */}
      <span>{said}</span>
    </div>
  )
}

const noChanges = () => () => {}
