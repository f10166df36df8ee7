/**
 * A message saying what went wrong, read out as it appears. Its red goes in forced colours, so
 * an icon and an edge down its side, which every colour mode draws, mark it as an error too.
 */
export function ErrorMessage({
  id,
  className = '',
  children,
}: {
  id: string
  className?: string
  children: React.ReactNode
}) {
  return (
    <p
      id={id}
      role="alert"
      className={`flex gap-2 border-l-4 border-red-700 pl-2 text-sm font-medium text-red-700 dark:border-red-400 dark:text-red-400 ${className}`}
    >
      <svg
        aria-hidden="true"
        viewBox="0 0 20 20"
        fill="currentColor"
        className="mt-0.5 size-4 shrink-0"
      >
        <path
          fillRule="evenodd"
          d="M18 10a8 8 0 1 1-16 0 8 8 0 0 1 16 0Zm-8-5a.75.75 0 0 1 .75.75v4.5a.75.75 0 0 1-1.5 0v-4.5A.75.75 0 0 1 10 5Zm0 10a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z"
          clipRule="evenodd"
        />
      </svg>
      <span>{children}</span>
    </p>
  )
}
