/** Like `SetMetadata`, but a second decorator with the same key adds to the first instead of replacing it. */
export function appendMetadata(key: string, values: readonly unknown[]): ClassDecorator & MethodDecorator {
  return (target: object, _property?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder = descriptor ? descriptor.value : target;
    const existing: unknown[] = Reflect.getMetadata(key, holder) ?? [];
    Reflect.defineMetadata(key, [...existing, ...values], holder);
    return descriptor as never;
  };
}
