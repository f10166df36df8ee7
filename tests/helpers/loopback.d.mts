export declare const isLoopback: (hostname: string) => boolean
