/**
 * Like `SetMetadata`, but a second decorator with the same key adds to the first instead of replacing
 * it. Decorators run bottom-up, so values are prepended to keep the order they are written in.
 */
export function appendMetadata(key: string, values: readonly unknown[]): ClassDecorator & MethodDecorator {
  return (target: object, _property?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder = descriptor ? descriptor.value : target;
    const existing: unknown[] = Reflect.getMetadata(key, holder) ?? [];
    Reflect.defineMetadata(key, [...values, ...existing], holder);
    return descriptor as never;
  };
}
