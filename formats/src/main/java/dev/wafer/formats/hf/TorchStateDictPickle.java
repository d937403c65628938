package dev.wafer.formats.hf;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;

import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * Reads the {@code data.pkl} of a PyTorch zip checkpoint as a state dict, the way {@code torch.load(...,
 * weights_only=True)} does: the pickle may name only an ordered dict, the tensor rebuild functions and the storage
 * classes; any other class or function is refused by name, and instruction forms a state dict never uses (INST, OBJ,
 * NEWOBJ, extension codes, text persistent ids) are refused as well. Nothing in the file is executed: Pyrolite's
 * unpickler builds Java values, and the few names allowed build Wafer's own records ({@link TorchTensorRef}).
 */
final class TorchStateDictPickle extends Unpickler {
    /** {@code collections.OrderedDict}: the state dict and each tensor's (empty) backward hooks. */
    static final class OrderedDict extends LinkedHashMap<Object, Object> {
        private static final long serialVersionUID = 1L;
    }

    private final String where;

    private TorchStateDictPickle(String where) {
        this.where = where;
    }

    /**
     * The pickle's top-level value: for a state dict an {@link OrderedDict} of names to {@link TorchTensorRef}.
     *
     * @param where names the file and record in messages, e.g. {@code pytorch_model.bin: archive/data.pkl}
     */
    static Object read(byte[] pickle, String where) {
        TorchStateDictPickle reader = new TorchStateDictPickle(where);
        try {
            return reader.load(new ByteArrayInputStream(pickle));
        } catch (HfFormatException e) {
            throw e;
        } catch (ClassCastException e) {
            // Pyrolite met a value of another kind than its next instruction works on (an item set on a list...).
            throw new HfFormatException(where + ": not a readable PyTorch state dict pickle: an instruction applied"
                    + " to a value it cannot apply to (a damaged file, or not a state dict)", e);
        } catch (IOException | RuntimeException e) {
            // Pyrolite's own errors (truncated data, a REDUCE on something that is not callable) come here.
            throw new HfFormatException(where + ": not a readable PyTorch state dict pickle: "
                    + PrintableText.of(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        } finally {
            reader.close();
        }
    }

    @Override
    protected Object dispatch(short key) throws IOException {
        switch (key) {
            case Opcodes.GLOBAL -> {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                stack.add(global(module, name));
                return NO_RETURN_VALUE;
            }
            case Opcodes.STACK_GLOBAL -> {
                Object name = stack.pop();
                Object module = stack.pop();
                stack.add(global(String.valueOf(module), String.valueOf(name)));
                return NO_RETURN_VALUE;
            }
            case Opcodes.SETITEMS -> {
                // Pyrolite gathers these in a HashMap first; keep the file's order of tensors instead.
                List<Object> items = stack.pop_all_since_marker();
                Object target = stack.peek();
                if (!(target instanceof java.util.Map<?, ?>) || items.size() % 2 != 0) {
                    throw refuse("SETITEMS on " + describe(target));
                }
                @SuppressWarnings("unchecked")
                java.util.Map<Object, Object> map = (java.util.Map<Object, Object>) target;
                for (int i = 0; i < items.size(); i += 2) {
                    map.put(items.get(i), items.get(i + 1));
                }
                return NO_RETURN_VALUE;
            }
            case Opcodes.BUILD -> {
                // The state of an OrderedDict is its instance dictionary: a state dict's "_metadata" (module versions).
                Object state = stack.pop();
                if (!(stack.peek() instanceof OrderedDict) || !(state instanceof java.util.Map<?, ?>)) {
                    throw refuse("BUILD (setting the state of " + describe(stack.peek()) + ")");
                }
                return NO_RETURN_VALUE;
            }
            case Opcodes.REDUCE -> {
                Object args = stack.pop();
                Object callable = stack.pop();
                if (!(callable instanceof IObjectConstructor constructor) || !(args instanceof Object[] arguments)) {
                    throw refuse("a call of " + (callable instanceof TorchStorageType t ? t.pytorchName()
                            : describe(callable)));
                }
                stack.add(constructor.construct(arguments));
                return NO_RETURN_VALUE;
            }
            case Opcodes.BINUNICODE, Opcodes.BINBYTES, Opcodes.BINSTRING, Opcodes.LONG4 -> {
                checkLength(key, 4);
                return super.dispatch(key);
            }
            case Opcodes.BINUNICODE8, Opcodes.BINBYTES8, Opcodes.BYTEARRAY8 -> {
                checkLength(key, 8);
                return super.dispatch(key);
            }
            case Opcodes.INST, Opcodes.OBJ, Opcodes.NEWOBJ, Opcodes.NEWOBJ_EX, Opcodes.EXT1, Opcodes.EXT2,
                    Opcodes.EXT4, Opcodes.PERSID -> throw refuse("pickle opcode " + key);
            default -> {
                return super.dispatch(key);
            }
        }
    }

    /**
     * Refuses a length prefix past the end of the pickle before Pyrolite allocates that many bytes: a damaged length
     * in a 3 KB file must not ask for gigabytes.
     */
    private void checkLength(short key, int prefixBytes) throws IOException {
        input.mark(prefixBytes);
        byte[] prefix = input.readNBytes(prefixBytes);
        input.reset();
        long length = 0;
        for (int i = prefix.length - 1; i >= 0; i--) {
            length = (length << 8) | (prefix[i] & 0xFF);
        }
        long left = input.available() - (long) prefixBytes;
        if (prefix.length < prefixBytes || length < 0 || length > left) {
            throw new HfFormatException(where + ": pickle opcode " + key + " claims " + length + " bytes but "
                    + Math.max(0, left) + " remain (a truncated or damaged file)");
        }
    }

    private Object global(String module, String name) {
        String full = module + "." + name;
        switch (full) {
            case "collections.OrderedDict" -> {
                return (IObjectConstructor) args -> {
                    if (args.length != 0) {
                        throw refuse("collections.OrderedDict with " + args.length + " arguments");
                    }
                    return new OrderedDict();
                };
            }
            case "torch._utils._rebuild_tensor_v2" -> {
                return (IObjectConstructor) this::rebuildTensor;
            }
            case "torch._utils._rebuild_parameter" -> {
                // nn.Parameter(data, requires_grad, hooks): the tensor is what Wafer needs.
                return (IObjectConstructor) args -> {
                    if (args.length < 1 || !(args[0] instanceof TorchTensorRef tensor)) {
                        throw refuse("torch._utils._rebuild_parameter without a tensor");
                    }
                    return tensor;
                };
            }
            default -> {
                TorchStorageType storage = module.equals("torch") ? TorchStorageType.forClass(name) : null;
                if (storage != null) {
                    return storage;
                }
                throw new HfFormatException(where + ": the pickle names '" + PrintableText.of(full) + "', which a state dict of tensors"
                        + " does not hold; Wafer reads only tensors from a PyTorch checkpoint and never runs code from"
                        + " one (save the model's state_dict(), or convert it to safetensors)");
            }
        }
    }

    /** {@code _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks[, metadata])}. */
    private Object rebuildTensor(Object[] args) {
        if (args.length < 4 || !(args[0] instanceof TorchTensorRef.Storage storage) || !(args[1] instanceof Number offset)
                || !(args[2] instanceof Object[] size) || !(args[3] instanceof Object[] stride)
                || size.length != stride.length) {
            throw refuse("torch._utils._rebuild_tensor_v2 with arguments other than (storage, offset, size, stride)");
        }
        long[] dims = longs(size, "size");
        long[] steps = longs(stride, "stride");
        TorchTensorRef tensor = new TorchTensorRef(storage, offset.longValue(), dims, steps);
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0 || steps[i] < 0) {
                throw refuse("a tensor with size " + java.util.Arrays.toString(dims) + " and stride "
                        + java.util.Arrays.toString(steps));
            }
        }
        long extent;
        try {
            extent = tensor.extent();
            tensor.elementCount();
        } catch (ArithmeticException e) {
            throw refuse("a tensor of size " + java.util.Arrays.toString(dims) + ", past 64 bits");
        }
        // Views may overlap or broadcast (a stride of 0): torch.load reads them, and so does Wafer. What a view may
        // cost is bounded where it is read (one array of its elements) after its shape matched the config.
        if (tensor.offset() < 0 || extent > storage.elements()) {
            throw new HfFormatException(where + ": a tensor of size " + java.util.Arrays.toString(dims) + " at offset "
                    + tensor.offset() + " with stride " + java.util.Arrays.toString(steps) + " reaches element "
                    + extent + " of storage '" + storage.key() + "', which holds " + storage.elements());
        }
        return tensor;
    }

    private long[] longs(Object[] values, String what) {
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            if (!(values[i] instanceof Number n) || values[i] instanceof Double || values[i] instanceof Float) {
                throw refuse("a tensor " + what + " holding " + describe(values[i]));
            }
            out[i] = n.longValue();
        }
        return out;
    }

    /** {@code ("storage", torch.XStorage, key, location, elements)}: torch.save's persistent id of a storage. */
    @Override
    protected Object persistentLoad(Object pid) {
        if (!(pid instanceof Object[] id) || id.length != 5 || !"storage".equals(id[0])
                || !(id[1] instanceof TorchStorageType type) || !(id[2] instanceof String key)
                || !(id[4] instanceof Number elements) || elements.longValue() < 0) {
            throw refuse("a persistent id other than a tensor storage's");
        }
        return new TorchTensorRef.Storage(type, key, elements.longValue());
    }

    private HfFormatException refuse(String what) {
        return new HfFormatException(where + ": the pickle holds " + what + ", which a state dict of tensors does"
                + " not; Wafer reads only tensors from a PyTorch checkpoint and never runs code from one");
    }

    private static String describe(Object value) {
        return value == null ? "None" : value.getClass().getSimpleName();
    }
}
